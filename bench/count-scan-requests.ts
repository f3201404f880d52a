/**
 * GitHub requests per scan, counted in the simulator's request log (part of `npm run
 * bench:webhooks`): the first scan of a repository (BENCH_FILES files, default 2000, plus a real
 * service fixture), a rescan after a one-file push (a file a check reads, and one no check
 * reads), a rerequested rescan of the same commit, and one whose check-run answer is lost.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readDirectoryFiles } from '../src/cli/read-directory-files.js';

const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';
const FILES = Number(process.env.BENCH_FILES ?? 2000);

function fixture(name: string): Record<string, string> {
  return readDirectoryFiles(
    fileURLToPath(new URL(`../test/fixtures/repos/${name}/`, import.meta.url)),
  );
}

/** GitHub requests of scans against the simulator (secondary limits on), in this process. */
export async function countScanRequests(schema: string) {
  let duplicated: unknown;
  let secondaryAnswers: unknown;
  const { createGitHubPort, startSimulator } = await import('../src/github/index.js');
  const { silentLogger } = await import('../src/log.js');
  const { publishGuideline } = await import('../src/publish/index.js');
  const store = await import('../src/store/index.js');
  const { checksFromDirectory, scanRepository } = await import('../src/scans/index.js');
  const db = store.openPostgresDatabase({ connectionString: DATABASE_URL, schema, max: 4 });
  const sim = await startSimulator();
  try {
    await publishGuideline(db, {
      source: readFileSync(fileURLToPath(new URL('../guidelines/performance.md', import.meta.url))),
      path: 'guidelines/performance.md',
      publisher: 'bench',
    });
    const installationId = sim.addInstallation('acme');
    sim.addToken('ghs_bench', { login: 'steering[bot]', installationId });
    const files = fixture('python-fastapi');
    for (let i = 0; i < FILES; i++)
      files[`pkg${i % 40}/module_${i}.${i % 3 === 0 ? 'md' : 'py'}`] =
        `# module ${i}\nVALUE = ${i}\n`;
    const repo = sim.addRepo({ owner: 'acme', name: 'orders', files });
    await store.upsertRepository(db, {
      id: repo.id,
      owner: 'acme',
      name: 'orders',
      defaultBranch: 'main',
      archived: false,
      fork: false,
      topics: [],
      installationId,
    });
    const github = createGitHubPort(
      {
        github: {
          apiUrl: sim.url,
          auth: { kind: 'token', token: 'ghs_bench' },
          webhookSecret: undefined,
          previousWebhookSecret: undefined,
        },
      },
      {},
    );
    const deps = { db, github, checks: checksFromDirectory('guidelines'), logger: silentLogger };
    const rows: Record<string, unknown>[] = [];
    const measure = async (what: string, sha: string, force = false) => {
      sim.resetRequests();
      const t0 = performance.now();
      const out = await scanRepository(deps, {
        repositoryId: repo.id,
        sha,
        trigger: 'manual',
        force,
      });
      const ms = performance.now() - t0;
      const reqs = sim.requests;
      rows.push({
        scan: what,
        'GitHub requests': reqs.length,
        tree: reqs.filter((r) => r.path.includes('/git/trees/')).length,
        blobs: reqs.filter((r) => r.path.includes('/git/blobs/')).length,
        'check runs': reqs.filter((r) => r.path.includes('/check-runs')).length,
        'blobs from cache': out.kind === 'scanned' ? out.snapshot.blobsCached : '-',
        ms: ms.toFixed(0),
      });
    };
    const head = sim.branchHead('acme', 'orders', 'main')!;
    await measure(`first scan (${Object.keys(files).length} files)`, head);
    const one = sim.pushCommit({
      owner: 'acme',
      repo: 'orders',
      branch: 'main',
      files: { 'app/db.py': 'from sqlalchemy import create_engine\nengine = create_engine(URL)\n' },
    });
    await measure('rescan after one-file push (file a check reads)', one);
    const other = sim.pushCommit({
      owner: 'acme',
      repo: 'orders',
      branch: 'main',
      files: { 'docs/notes.txt': 'nothing a check reads\n' },
    });
    await measure('rescan after one-file push (file no check reads)', other);
    await measure('rerequested rescan of the same commit', other, true);
    // GitHub applies a write and loses the answer: the check run of one more scan is created,
    // then answered 502; steering must not create it twice.
    sim.inject({ kind: 'status', status: 502, method: 'POST', path: '/check-runs', when: 'after' });
    const lost = sim.pushCommit({
      owner: 'acme',
      repo: 'orders',
      branch: 'main',
      files: { 'x.txt': 'x\n' },
    });
    await measure('rescan whose check-run answer is lost (applied, then 502)', lost);
    duplicated = sim.duplicatedWrites();
    secondaryAnswers = { ...sim.secondaryAnswers };
    return { rows, duplicated, secondaryAnswers };
  } finally {
    await sim.close();
    await db.close();
  }
}
