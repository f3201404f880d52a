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
 *
 * Baselines, in a second child process and serving the same bytes: a bare `node:http` server
 * answering `/health` with steering's body and headers, and a bare Express 5 route that checks the
 * bearer token by string comparison and runs the same query as steering's version read
 * (`getGuidelineVersion`) for every request, then sends it as JSON; and the same Express route
 * keeping the bytes after the first query (the framework's floor for a cached read). Ratios: steering's maximum
 * req/s over the baseline's, and p99 at the fixed rate over the baseline's.
 * Then (unless BENCH_SKIP_MEMORY) idle resident memory: the built CLI's `steering serve` (run
 * `npm run build` first) beside a bare Express 5 process with a pg pool, both idle 5 s after
 * listening (bench/measure-idle-memory.ts).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { measureIdleMemory } from './measure-idle-memory.js';

const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const USE_PGLITE = process.env.BENCH_DB === 'pglite';

interface Ready {
  url: string;
  token: string;
  version: string;
}

interface BaselineReady {
  healthUrl: string;
  expressUrl: string;
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
  process.send!({ url: server.url, token, version: published.version } satisfies Ready);
  process.on('message', (m) => {
    if (m !== 'stop') return;
    void (async () => {
      await server.close(1000);
      await db.close();
      process.exit(0);
    })();
  });
}

/** The floors, in their own process: the same bytes as steering's answers. */
async function baselineMain(): Promise<void> {
  const { createServer } = await import('node:http');
  const { default: express } = await import('express');
  const store = await import('../src/store/index.js');
  const { LIVENESS_HEADERS } = await import('../src/http/ops-routes.js');
  const schema = process.env.BENCH_SCHEMA;
  const db = schema
    ? store.openPostgresDatabase({ connectionString: DATABASE_URL, schema, max: 10 })
    : await store.openPgliteDatabase({ dataDir: join(process.env.BENCH_DATA_DIR!, 'pglite') });
  const started = performance.now();
  const health = createServer((_req, res) => {
    res.writeHead(200, { ...LIVENESS_HEADERS, 'Content-Type': 'application/json; charset=utf-8' });
    const uptimeSeconds = Math.round((performance.now() - started) / 1000);
    res.end(JSON.stringify({ status: 'ok', uptimeSeconds }));
  });
  await new Promise<void>((resolve) => health.listen(0, '127.0.0.1', resolve));
  const bearer = `Bearer ${process.env.BENCH_TOKEN!}`;
  const app = express();
  app.get('/v1/guidelines/:id/versions/:version', async (req, res) => {
    if (req.get('authorization') !== bearer) return void res.status(401).end();
    const v = await store.getGuidelineVersion(db, req.params.id, req.params.version);
    res.type('application/json').send(JSON.stringify(v));
  });
  // The framework's floor for a cached read: the same bytes, kept after the first query.
  const cached = new Map<string, Buffer>();
  app.get('/cached/v1/guidelines/:id/versions/:version', async (req, res) => {
    if (req.get('authorization') !== bearer) return void res.status(401).end();
    const key = `${req.params.id}@${req.params.version}`;
    let body = cached.get(key);
    if (!body) {
      const v = await store.getGuidelineVersion(db, req.params.id, req.params.version);
      cached.set(key, (body = Buffer.from(JSON.stringify(v))));
    }
    res.type('application/json').send(body);
  });
  const bare = app.listen(0, '127.0.0.1');
  await new Promise((r) => bare.once('listening', r));
  const port = (s: { address(): unknown }) => (s.address() as { port: number }).port;
  process.send!({
    healthUrl: `http://127.0.0.1:${port(health)}/health`,
    expressUrl: `http://127.0.0.1:${port(bare)}`,
  } satisfies BaselineReady);
  process.on('message', (m) => {
    if (m !== 'stop') return;
    health.close();
    bare.close();
    void db.close().then(() => process.exit(0));
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

function forkChild<T>(role: string, env: Record<string, string>): [ChildProcess, Promise<T>] {
  const child = fork(fileURLToPath(import.meta.url), [role], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env },
  });
  const ready = new Promise<T>((resolve, reject) => {
    child.once('message', (m) => resolve(m as T));
    child.once('exit', (code) => reject(new Error(`bench ${role} exited with ${code}`)));
  });
  return [child, ready];
}

async function stopChild(child: ChildProcess | undefined) {
  if (!child || child.exitCode !== null) return;
  child.send('stop');
  await new Promise((r) => child.once('exit', r));
}

/** Both answers must be the same bytes, or the comparison means nothing. */
async function sameBytes(a: string, b: string, headers: Record<string, string>) {
  const [x, y] = await Promise.all([a, b].map((u) => fetch(u, { headers }).then((r) => r.text())));
  const strip = (t: string) => t.replace(/"uptimeSeconds":\d+/, '');
  return strip(x!) === strip(y!) ? `same ${Buffer.byteLength(x!)} bytes` : 'DIFFERENT BODIES';
}

async function compare(ready: Ready, base: BaselineReady) {
  const path = `/v1/guidelines/performance/versions/${ready.version}`;
  const auth = { authorization: `Bearer ${ready.token}` };
  const pairs = [
    ['GET /health', `${ready.url}/health`, 'bare node:http', base.healthUrl, {}],
    [
      'GET a version',
      `${ready.url}${path}`,
      'bare Express + query',
      `${base.expressUrl}${path}`,
      auth,
    ],
    [
      'GET a version',
      `${ready.url}${path}`,
      'bare Express, cached bytes',
      `${base.expressUrl}/cached${path}`,
      auth,
    ],
  ] as const;
  // Warm up (JIT, pool connections, token cache).
  for (const [, url, , baseUrl, headers] of pairs)
    for (const u of [url, baseUrl])
      await autocannon({ url: u, headers, duration: 2, connections: CONNECTIONS });
  const rows = [];
  const ratios = [];
  for (const [name, url, baseName, baseUrl, headers] of pairs) {
    const bytes = await sameBytes(url, baseUrl, headers);
    const b = [
      await run(`baseline: ${baseName}`, baseUrl, headers, RATE),
      await run(`baseline: ${baseName}`, baseUrl, headers),
    ];
    const st = [
      await run(`steering ${name}`, url, headers, RATE),
      await run(`steering ${name}`, url, headers),
    ];
    rows.push(...b, ...st);
    ratios.push(
      `${name}: ${(st[1]!['req/s'] / b[1]!['req/s']).toFixed(2)}× ${baseName} throughput, ` +
        `p99 at ${RATE}/s ${(Number(st[0]!['p99 ms']) / Number(b[0]!['p99 ms'])).toFixed(2)}× (${bytes})`,
    );
  }
  console.table(rows);
  for (const r of ratios) console.log(r);
}

async function main(): Promise<void> {
  const schema = USE_PGLITE ? undefined : `bench_${randomBytes(5).toString('hex')}`;
  const dataDir = USE_PGLITE ? mkdtempSync(join(tmpdir(), 'steering-bench-')) : undefined;
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  if (schema) {
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
  }
  const env = { BENCH_SCHEMA: schema ?? '', BENCH_DATA_DIR: dataDir ?? '' };
  let child: ChildProcess | undefined;
  let baseline: ChildProcess | undefined;
  try {
    let ready: Promise<Ready>;
    [child, ready] = forkChild<Ready>('--server', env);
    const r = await ready;
    let baseReady: Promise<BaselineReady>;
    [baseline, baseReady] = forkChild<BaselineReady>('--baseline', {
      ...env,
      BENCH_TOKEN: r.token,
    });
    const base = await baseReady;
    console.log(
      `steering API benchmark: ${cpus().length} CPUs (load average ${loadavg()[0]!.toFixed(1)}), node ${process.version}, ` +
        `${USE_PGLITE ? 'embedded PGlite' : 'PostgreSQL'}, ${DURATION}s per run, ${CONNECTIONS} connections, loopback`,
    );
    await compare(r, base);
    console.log(`load average now ${loadavg()[0]!.toFixed(1)}`);
  } finally {
    await stopChild(child);
    await stopChild(baseline);
    if (schema) {
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
  if (!process.env.BENCH_SKIP_MEMORY) await measureIdleMemory();
}

if (process.argv.includes('--server')) await serverMain();
else if (process.argv.includes('--baseline')) await baselineMain();
else await main();
