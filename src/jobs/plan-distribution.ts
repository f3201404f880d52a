/**
 * The dry-run plan of a version: for each selected repository, whether its default branch already
 * holds the files (`up-to-date`) or a pull request would be opened or updated. Reads only
 * (2 calls per repository), writes nothing to GitHub.
 */
import { planWaves, type RepositorySelectors } from '../fleet/index.js';
import type { GitHubPort } from '../github/index.js';
import type { Rule } from '../guidelines/index.js';
import { listRepositories, type Queryable } from '../store/index.js';
import { buildSteeringFiles, gitBlobSha } from './build-steering-files.js';

export interface PlanRow {
  repository: string;
  wave: number;
  action: 'up-to-date' | 'change' | 'error';
  detail?: string;
}

export async function planDistribution(
  q: Queryable,
  github: GitHubPort,
  input: {
    guideline: string;
    version: string;
    source: string;
    rules: Rule[];
    appliesTo: Record<string, string[]> | null;
    selectors: RepositorySelectors;
  },
): Promise<PlanRow[]> {
  const files = buildSteeringFiles(input);
  const rows: PlanRow[] = [];
  for (const { repo, wave } of planWaves(
    await listRepositories(q),
    input.selectors,
    input.appliesTo,
  )) {
    const port = github.forInstallation(repo.installationId ?? 0);
    try {
      const head = await port.getRef(repo.owner, repo.name, repo.defaultBranch);
      if (!head) throw new Error(`default branch ${repo.defaultBranch} not found`);
      const tree = await port.getTree(repo.owner, repo.name, head, { recursive: true });
      const sha = (p: string) => tree.entries.find((e) => e.path === p)?.sha;
      const same =
        sha(files.mdPath) === gitBlobSha(files.md) &&
        sha(files.rulesPath) === gitBlobSha(files.rulesJson);
      rows.push({ repository: repo.fullName, wave, action: same ? 'up-to-date' : 'change' });
    } catch (err) {
      rows.push({
        repository: repo.fullName,
        wave,
        action: 'error',
        detail: (err as Error).message,
      });
    }
  }
  return rows;
}
