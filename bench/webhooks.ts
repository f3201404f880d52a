/**
 * `npm run bench:webhooks`:
 * 1. Webhook intake throughput and latency: autocannon posts a signed `push` delivery (a real
 *    @octokit/webhooks-examples payload, ~7 KB) with a fresh `X-GitHub-Delivery` per request to
 *    `POST /webhooks/github` (verify HMAC on the raw body + INSERT into PostgreSQL + BullMQ add on
 *    Redis + UPDATE enqueued_at), beside a bare Express route that reads the same body and answers
 *    202, in the same run. The server runs in a child process on a fresh PostgreSQL schema
 *    (TEST_DATABASE_URL) and a random Redis prefix (REDIS_URL). BENCH_DURATION (s, default 10),
 *    BENCH_CONNECTIONS (default 10).
 * 2. GitHub requests per scan, counted in the simulator's request log: the first scan of a
 *    repository (BENCH_FILES files, default 2000, plus a real service fixture), a rescan after a
 *    one-file push (a file a check reads, and one no check reads), and a rerequested rescan of the
 *    same commit.
 */
import { readDirectoryFiles } from '../src/cli/read-directory-files.js';
import { fork, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';

const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const FILES = Number(process.env.BENCH_FILES ?? 2000);
const SECRET = 'bench-webhook-secret';

interface Ready {
  url: string;
  bareUrl: string;
}

function pushBody(): string {
  const examples = JSON.parse(
    readFileSync(
      fileURLToPath(
        new URL(
          '../node_modules/@octokit/webhooks-examples/api.github.com/index.json',
          import.meta.url,
        ),
      ),
      'utf8',
    ),
  ) as { name: string; examples: Record<string, unknown>[] }[];
  const push = examples
    .find((e) => e.name === 'push')!
    .examples.find((p) => p.ref === 'refs/heads/master' && p.installation)!;
  return JSON.stringify(push);
}

async function serverMain(): Promise<void> {
  const { default: express } = await import('express');
  const { createApp, startServer } = await import('../src/http/index.js');
  const { silentLogger } = await import('../src/log.js');
  const { createMetrics } = await import('../src/metrics.js');
  const store = await import('../src/store/index.js');
  const { openScanRuntime } = await import('../src/scans/index.js');
  const db = store.openPostgresDatabase({
    connectionString: DATABASE_URL,
    schema: process.env.BENCH_SCHEMA!,
    max: 10,
  });
  await store.runMigrations(db);
  const runtime = openScanRuntime({
    redis: { url: REDIS_URL, prefix: process.env.BENCH_PREFIX! },
    guidelinesDir: 'guidelines',
    scan: { rescanMaxAgeHours: 24 },
  });
  const app = createApp({
    db,
    logger: silentLogger,
    metrics: createMetrics(),
    webhooks: { secret: SECRET, enqueue: runtime.enqueueDelivery },
  });
  const server = await startServer(app, { port: 0, host: '127.0.0.1' });
  const bareApp = express();
  bareApp.post(
    '/webhooks/github',
    express.raw({ type: () => true, limit: '25mb' }),
    (_req, res) => {
      res.status(202).json({ status: 'queued' });
    },
  );
  const bare = bareApp.listen(0, '127.0.0.1');
  await new Promise((r) => bare.once('listening', r));
  process.send!({
    url: `${server.url}/webhooks/github`,
    bareUrl: `http://127.0.0.1:${(bare.address() as { port: number }).port}/webhooks/github`,
  } satisfies Ready);
  process.on('message', (m) => {
    if (m !== 'stop') return;
    void (async () => {
      bare.close();
      await server.close(1000);
      await runtime.queue.obliterate({ force: true }).catch(() => undefined);
      await runtime.close();
      await db.close();
      process.exit(0);
    })();
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function run(name: string, url: string, body: string) {
  const times: number[] = [];
  let non202 = 0;
  const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
  const result = await autocannon({
    url,
    method: 'POST',
    duration: DURATION,
    connections: CONNECTIONS,
    requests: [
      {
        method: 'POST',
        body,
        setupRequest(req) {
          return {
            ...req,
            headers: {
              'content-type': 'application/json',
              'x-github-event': 'push',
              'x-github-delivery': randomUUID(),
              'x-hub-signature-256': signature,
            },
          };
        },
      },
    ],
    setupClient(client) {
      client.on('response', (status: number, _bytes: number, ms: number) => {
        times.push(ms);
        if (status !== 202) non202++;
      });
    },
  });
  times.sort((a, b) => a - b);
  return {
    route: name,
    deliveries: result.requests.total,
    'deliveries/s': Math.round(result.requests.total / DURATION),
    'p50 ms': percentile(times, 50).toFixed(2),
    'p95 ms': percentile(times, 95).toFixed(2),
    'p99 ms': percentile(times, 99).toFixed(2),
    errors: result.errors + result.timeouts + non202,
  };
}

function fixture(name: string): Record<string, string> {
  return readDirectoryFiles(
    fileURLToPath(new URL(`../test/fixtures/repos/${name}/`, import.meta.url)),
  );
}

let duplicated: unknown;
let secondaryAnswers: unknown;

/** GitHub requests of scans against the simulator (secondary limits on), in this process. */
async function countScanRequests(schema: string) {
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
    return rows;
  } finally {
    await sim.close();
    await db.close();
  }
}

async function main(): Promise<void> {
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  const scanSchema = `bench_${randomBytes(5).toString('hex')}`;
  const prefix = `steering-bench-${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.query(`CREATE SCHEMA ${scanSchema}`);
  let child: ChildProcess | undefined;
  try {
    child = fork(fileURLToPath(import.meta.url), ['--server'], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, BENCH_SCHEMA: schema, BENCH_PREFIX: prefix },
    });
    const ready = await new Promise<Ready>((resolve, reject) => {
      child!.once('message', (m) => resolve(m as Ready));
      child!.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
    });
    const body = pushBody();
    console.log(
      `steering webhook intake benchmark: ${cpus().length} CPUs, node ${process.version}, PostgreSQL + Redis on loopback, ` +
        `${DURATION}s per run, ${CONNECTIONS} connections, ${body.length}-byte push payload`,
    );
    await run('warm-up', ready.url, body);
    console.table([
      await run('baseline: bare Express route (raw body, 202)', ready.bareUrl, body),
      await run('POST /webhooks/github (verify + record + enqueue)', ready.url, body),
    ]);
  } finally {
    child?.send('stop');
    await new Promise((r) => child?.once('exit', r) ?? r(undefined));
  }
  try {
    const { runMigrations, openPostgresDatabase } = await import('../src/store/index.js');
    const db = openPostgresDatabase({ connectionString: DATABASE_URL, schema: scanSchema, max: 2 });
    await runMigrations(db);
    await db.close();
    console.log(
      'GitHub requests per scan (simulator request log; goal for a one-file rescan: ≤ 3)',
    );
    console.table(await countScanRequests(scanSchema));
    console.log(
      `secondary-limit answers ${JSON.stringify(secondaryAnswers)}; duplicated writes ${JSON.stringify(duplicated)}`,
    );
  } finally {
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.query(`DROP SCHEMA ${scanSchema} CASCADE`);
    await admin.end();
  }
}

if (process.argv.includes('--server')) await serverMain();
else await main();
