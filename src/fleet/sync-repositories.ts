/**
 * `syncRepositories`: the registry mirror of what the App's installations can see. Every
 * repository is stored (selectors apply when a rollout picks targets); repositories no longer
 * visible are marked deleted. Costs one paginated listing per installation.
 */
import type { GitHubPort, RepositoryInfo } from '../github/index.js';
import { markRepositoriesDeleted, upsertRepository, type Db } from '../store/index.js';
import { skipReason, type RepositorySelectors } from './select-repositories.js';

export interface SyncResult {
  installations: number;
  seen: number;
  eligible: number;
  skipped: { repository: string; reason: string }[];
  deleted: number;
}

export async function syncRepositories(
  port: GitHubPort,
  db: Db,
  selectors: RepositorySelectors,
): Promise<SyncResult> {
  const installations = await port.listInstallations();
  const listed: { repo: RepositoryInfo; installationId: number }[] = [];
  for (const inst of installations) {
    for (const repo of await port.listInstallationRepositories(inst.id)) {
      listed.push({ repo, installationId: inst.id });
    }
  }
  const skipped: SyncResult['skipped'] = [];
  const deleted = await db.transaction(async (tx) => {
    for (const { repo, installationId } of listed) {
      await upsertRepository(tx, { ...repo, installationId });
    }
    return markRepositoriesDeleted(
      tx,
      listed.map((l) => l.repo.id),
    );
  });
  for (const { repo } of listed) {
    const reason = skipReason(repo, selectors);
    if (reason) skipped.push({ repository: repo.fullName, reason });
  }
  return {
    installations: installations.length,
    seen: listed.length,
    eligible: listed.length - skipped.length,
    skipped,
    deleted,
  };
}
