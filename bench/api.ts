/**
 * `npm run bench:api`: autocannon against the real server on loopback, for `/health` and
 * `GET /v1/guidelines/{id}/versions/{version}` (the performance guideline's health-check and
 * single-record targets: p95 < 50 ms and < 200 ms; steering's goal: p95 < 5 ms and < 10 ms at
 * 1,000 requests/s on a 2-core machine).
 *
 * The server runs in a child process (so the load generator does not share its event loop) on a
 * fresh PostgreSQL schema (TEST_DATABASE_URL, default postgres://root@127.0.0.1:5432/test), or on
 * the embedded PGlite with BENCH_DB=pglite. For each endpoint: a fixed-rate run (BENCH_RATE req/s,
 * default 1000) for latency percentiles, then an unthrottled run for maximum throughput.
 * BENCH_DURATION (s, default 10) and BENCH_CONNECTIONS (default 10) fix the rest.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';

const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const USE_PGLITE = process.env.BENCH_DB === 'pglite';

interface Ready {
  url: string;
  /** A bare node:http server in the same process answering like /health: the floor to compare with. */
  baselineUrl: string;
  token: string;
  version: string;
}

async function serverMain(): Promise<void> {
  const { createApp, startServer } = await import('../src/http/index.js');
  const { silentLogger } = await import('../src/log.js');
  const { createMetrics } = await import('../src/metrics.js');
  const { publishGuideline } = await import('../src/publish/index.js');
  const store = await import('../src/store/index.js');
  const schema = process.env.BENCH_SCHEMA;
  const db = schema
    ? store.openPostgresDatabase({ connectionString: DATABASE_URL, schema, max: 10 })
    : await store.openPgliteDatabase({ dataDir: join(process.env.BENCH_DATA_DIR!, 'pglite') });
  await store.runMigrations(db);
  const source = readFileSync(
    fileURLToPath(new URL('../guidelines/performance.md', import.meta.url)),
  );
  const published = await publishGuideline(db, {
    source,
    path: 'guidelines/performance.md',
    publisher: 'bench',
  });
  const { token } = await store.createApiToken(db, { name: 'bench', scopes: ['read'] });
  const metrics = createMetrics();
  const app = createApp({ db, logger: silentLogger, metrics });
  const server = await startServer(app, { port: 0, host: '127.0.0.1' });
  const { createServer } = await import('node:http');
  const bare = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.end('{"status":"ok","uptimeSeconds":0}');
  });
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
  const bareAddress = bare.address() as { port: number };
  process.send!({
    url: server.url,
    baselineUrl: `http://127.0.0.1:${bareAddress.port}/health`,
    token,
    version: published.version,
  } satisfies Ready);
  process.on('message', (m) => {
    if (m !== 'stop') return;
    void (async () => {
      bare.close();
      await server.close(1000);
      await db.close();
      process.exit(0);
    })();
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function run(name: string, url: string, headers: Record<string, string>, rate?: number) {
  const times: number[] = [];
  let non2xx = 0;
  const result = await autocannon({
    url,
    headers,
    duration: DURATION,
    connections: CONNECTIONS,
    ...(rate ? { overallRate: rate } : {}),
    setupClient(client) {
      client.on('response', (status: number, _bytes: number, ms: number) => {
        times.push(ms);
        if (status < 200 || status >= 300) non2xx++;
      });
    },
  });
  times.sort((a, b) => a - b);
  const reqPerSec = result.requests.total / DURATION;
  return {
    endpoint: name,
    mode: rate ? `${rate} req/s` : 'max',
    requests: result.requests.total,
    'req/s': Math.round(reqPerSec),
    'p50 ms': percentile(times, 50).toFixed(2),
    'p95 ms': percentile(times, 95).toFixed(2),
    'p99 ms': percentile(times, 99).toFixed(2),
    errors: result.errors + result.timeouts + non2xx,
  };
}

async function main(): Promise<void> {
  const schema = USE_PGLITE ? undefined : `bench_${randomBytes(5).toString('hex')}`;
  const dataDir = USE_PGLITE ? mkdtempSync(join(tmpdir(), 'steering-bench-')) : undefined;
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  if (schema) {
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
  }
  let child: ChildProcess | undefined;
  try {
    child = fork(fileURLToPath(import.meta.url), ['--server'], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, BENCH_SCHEMA: schema ?? '', BENCH_DATA_DIR: dataDir ?? '' },
    });
    const ready = await new Promise<Ready>((resolve, reject) => {
      child!.once('message', (m) => resolve(m as Ready));
      child!.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
    });
    const versionUrl = `${ready.url}/v1/guidelines/performance/versions/${ready.version}`;
    const auth = { authorization: `Bearer ${ready.token}` };
    console.log(
      `steering API benchmark: ${cpus().length} CPUs, node ${process.version}, ${USE_PGLITE ? 'embedded PGlite' : 'PostgreSQL'}, ` +
        `${DURATION}s per run, ${CONNECTIONS} connections, loopback`,
    );
    // Warm up (JIT, pool connections, token cache).
    await autocannon({ url: versionUrl, headers: auth, duration: 2, connections: CONNECTIONS });
    const rows = [];
    for (const [name, url, headers] of [
      ['baseline: bare node:http', ready.baselineUrl, {}],
      ['GET /health', `${ready.url}/health`, {}],
      ['GET /v1/guidelines/{id}/versions/{version}', versionUrl, auth],
    ] as const) {
      rows.push(await run(name, url, headers, RATE));
      rows.push(await run(name, url, headers));
    }
    console.table(rows);
  } finally {
    child?.send('stop');
    await new Promise((r) => child?.once('exit', r) ?? r(undefined));
    if (schema) {
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--server')) await serverMain();
else await main();
