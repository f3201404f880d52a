/**
 * `npm run bench:webhooks`:
 * 1. Webhook intake, three servers on the same deliveries, each in its own child process, the
 *    load generator (autocannon) in this one: a signed `push` (a real @octokit/webhooks-examples
 *    payload, ~7 KB) with a fresh `X-GitHub-Delivery` per request, into one PostgreSQL table.
 *    - steering: `POST /webhooks/github` (verify on the raw body, record, 202 once the row is
 *      committed; the queue is fed from committed rows after the answer);
 *    - bare Express + `@octokit/webhooks-methods` `verify` + the same INSERT, 202;
 *    - Probot 14 (`createNodeMiddleware`) with the same INSERT in an `onAny` handler (Probot
 *      answers 200 after its handlers resolve, so its answer also means "recorded").
 *    The guarantee compared: a 2xx means the delivery's row is committed. Rounds alternate the
 *    servers (BENCH_ROUNDS, default 2); the ratio uses the median of each server's rounds.
 *    After steering's runs every recorded delivery must be enqueued (`enqueued_at` set, one job).
 *    BENCH_DURATION (s, default 10), BENCH_CONNECTIONS (default 10); steering's group commit:
 *    BENCH_MAX_IN_FLIGHT, BENCH_FEED_WINDOW_MS (unset: the intake's defaults).
 *    Each run also reports CPU time per delivery (cpu-time.ts): the server process, its
 *    PostgreSQL backends and, for steering, the Redis server. With every core busy, throughput
 *    follows that sum, which is steadier than deliveries/s under a varying load.
 * 2. GitHub requests per scan (bench/count-scan-requests.ts).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createHmac, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { countScanRequests } from './count-scan-requests.js';
import { cpuBetween, localRedisPid, snapshotCpu, type CpuSpent } from './cpu-time.js';

const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
/**
 * A directory: each server process writes its profiles to `<dir>/<kind>/` (the largest is the main
 * thread's; the others are tsx's loader thread). See summarize-cpu-profile.ts.
 */
const CPU_PROF = process.env.BENCH_CPU_PROF;
const SECRET = 'bench-webhook-secret';
const PATH = '/webhooks/github';
/** The same statement as steering's single-delivery INSERT. */
const INSERT = `INSERT INTO webhook_deliveries (delivery_id, event, action, repository_id, payload)
  VALUES ($1, $2, $3, $4, $5::jsonb) ON CONFLICT (delivery_id) DO NOTHING`;

const KINDS = {
  steering: 'steering: POST /webhooks/github (verify, record, 202; then enqueue)',
  express: 'bare Express + webhooks-methods verify + INSERT',
  probot: 'Probot 14 + the same INSERT',
} as const;
type Kind = keyof typeof KINDS;

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

const repositoryIdOf = (p: { repository?: { id?: number } }) => p.repository?.id ?? null;

async function serveSteering(schema: string, prefix: string): Promise<() => Promise<void>> {
  const { createApp, startServer } = await import('../src/http/index.js');
  const { silentLogger } = await import('../src/log.js');
  const { createMetrics } = await import('../src/metrics.js');
  const store = await import('../src/store/index.js');
  const { openScanRuntime } = await import('../src/scans/index.js');
  const db = store.openPostgresDatabase({
    connectionString: withApplicationName('steering'),
    schema,
    max: 10,
  });
  const runtime = openScanRuntime({
    redis: { url: REDIS_URL, prefix },
    guidelinesDir: 'guidelines',
    scan: { rescanMaxAgeHours: 24 },
  });
  const app = createApp({
    db,
    logger: silentLogger,
    metrics: createMetrics(),
    webhooks: {
      secret: SECRET,
      enqueue: runtime.enqueueDelivery,
      enqueueMany: runtime.enqueueDeliveries,
      recorder: {
        ...(process.env.BENCH_MAX_IN_FLIGHT
          ? { maxInFlight: Number(process.env.BENCH_MAX_IN_FLIGHT) }
          : {}),
        ...(process.env.BENCH_FEED_WINDOW_MS
          ? { feedWindowMs: Number(process.env.BENCH_FEED_WINDOW_MS) }
          : {}),
      },
    },
  });
  const server = await startServer(app, { port: 0, host: '127.0.0.1' });
  process.send!({ port: Number(new URL(server.url).port) });
  return async () => {
    await server.close(1000);
    await runtime.queue.obliterate({ force: true }).catch(() => undefined);
    await runtime.close();
    await db.close();
  };
}

/** The server's PostgreSQL backends carry its name, so their CPU time can be read (cpu-time.ts). */
function withApplicationName(kind: Kind): string {
  const url = new URL(DATABASE_URL);
  url.searchParams.set('application_name', `bench-webhooks-${kind}`);
  return url.toString();
}

function pool(schema: string, kind: Kind): pg.Pool {
  return new pg.Pool({
    connectionString: withApplicationName(kind),
    max: 10,
    options: `-c search_path=${schema}`,
  });
}

async function serveExpress(schema: string): Promise<() => Promise<void>> {
  const { default: express } = await import('express');
  const { verify } = await import('@octokit/webhooks-methods');
  const db = pool(schema, 'express');
  const app = express();
  app.post(PATH, express.raw({ type: () => true, limit: '25mb' }), async (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    if (!(await verify(SECRET, raw, req.get('x-hub-signature-256') ?? '')))
      return void res.status(401).end();
    const payload = JSON.parse(raw) as { action?: string; repository?: { id?: number } };
    await db.query(INSERT, [
      req.get('x-github-delivery'),
      req.get('x-github-event'),
      payload.action ?? null,
      repositoryIdOf(payload),
      raw,
    ]);
    res.status(202).json({ status: 'recorded' });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  process.send!({ port: (server.address() as { port: number }).port });
  return async () => {
    server.close();
    await db.end();
  };
}

interface ProbotContext {
  id: string;
  name: string;
  payload: unknown;
}
interface ProbotModule {
  Probot: new (options: Record<string, unknown>) => unknown;
  createNodeMiddleware(
    appFn: (app: { onAny: (handler: (context: ProbotContext) => Promise<void>) => void }) => void,
    options: { probot: unknown; webhooksPath: string },
  ): Promise<(req: IncomingMessage, res: ServerResponse, next: () => void) => Promise<unknown>>;
}

async function serveProbot(schema: string): Promise<() => Promise<void>> {
  // Loaded by name so its type declarations (which augment Express's and Node's globals) stay
  // out of the project's type check.
  const probotName = 'probot';
  const { Probot, createNodeMiddleware } = (await import(probotName)) as ProbotModule;
  const db = pool(schema, 'probot');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const probot = new Probot({
    appId: 1,
    privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    secret: SECRET,
    logLevel: 'warn',
  });
  const middleware = await createNodeMiddleware(
    (app) => {
      app.onAny(async (context) => {
        const payload = context.payload as { action?: string; repository?: { id?: number } };
        await db.query(INSERT, [
          context.id,
          context.name,
          payload.action ?? null,
          repositoryIdOf(payload),
          JSON.stringify(payload),
        ]);
      });
    },
    { probot, webhooksPath: PATH },
  );
  const server = createServer((req, res) => {
    void middleware(req, res, () => res.writeHead(404).end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  process.send!({ port: (server.address() as { port: number }).port });
  return async () => {
    server.close();
    await db.end();
  };
}

async function serverMain(kind: Kind): Promise<void> {
  const schema = process.env.BENCH_SCHEMA!;
  const stop =
    kind === 'steering'
      ? await serveSteering(schema, process.env.BENCH_PREFIX!)
      : kind === 'express'
        ? await serveExpress(schema)
        : await serveProbot(schema);
  process.on('message', (m) => {
    if (m === 'stop') void stop().then(() => process.exit(0));
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface Target {
  kind: Kind;
  port: number;
  pid: number;
}

const perDelivery = (ms: number | null, n: number) =>
  ms === null || n === 0 ? null : Math.round((ms * 1000) / n);

async function run(
  t: Target,
  body: string,
  cpu: { admin: pg.Client; redisPid: number | null },
  duration = DURATION,
) {
  const times: number[] = [];
  let non2xx = 0;
  const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
  const name = `bench-webhooks-${t.kind}`;
  const redisPid = t.kind === 'steering' ? cpu.redisPid : null; // only steering uses Redis
  const before = await snapshotCpu(cpu.admin, t.pid, name, redisPid);
  const result = await autocannon({
    url: `http://127.0.0.1:${t.port}${PATH}`,
    method: 'POST',
    duration,
    connections: CONNECTIONS,
    requests: [
      {
        method: 'POST',
        body,
        setupRequest: (req) => ({
          ...req,
          headers: {
            'content-type': 'application/json',
            'x-github-event': 'push',
            'x-github-delivery': randomUUID(),
            'x-hub-signature-256': signature,
          },
        }),
      },
    ],
    setupClient(client) {
      client.on('response', (status: number, _bytes: number, ms: number) => {
        times.push(ms);
        if (status < 200 || status > 299) non2xx++;
      });
    },
  });
  const spent: CpuSpent = cpuBetween(before, await snapshotCpu(cpu.admin, t.pid, name, redisPid));
  times.sort((a, b) => a - b);
  const n = result.requests.total;
  return {
    server: KINDS[t.kind],
    deliveries: n,
    'deliveries/s': Math.round(n / duration),
    'p50 ms': percentile(times, 50).toFixed(2),
    'p99 ms': percentile(times, 99).toFixed(2),
    errors: result.errors + result.timeouts + non2xx,
    'CPU µs/delivery: server': perDelivery(spent.server, n) ?? '-',
    'its PostgreSQL': perDelivery(spent.postgres, n) ?? '-',
    Redis: perDelivery(spent.redis, n) ?? '-',
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function startServers(schema: string, prefix: string) {
  const children: ChildProcess[] = [];
  const targets = {} as Record<Kind, Target>;
  for (const kind of Object.keys(KINDS) as Kind[]) {
    const child = fork(fileURLToPath(import.meta.url), ['--server', kind], {
      execArgv: [
        '--import',
        'tsx',
        ...(CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF}/${kind}`] : []),
      ],
      env: {
        ...process.env,
        BENCH_SCHEMA: schema,
        BENCH_PREFIX: prefix,
      },
    });
    children.push(child);
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (m) => resolve((m as { port: number }).port));
      child.once('exit', (code) => reject(new Error(`bench server ${kind} exited with ${code}`)));
    });
    targets[kind] = { kind, port, pid: child.pid! };
  }
  const stop = () =>
    Promise.all(
      children.map((c) => {
        c.send('stop');
        return new Promise((r) => c.once('exit', r));
      }),
    );
  return { targets, stop };
}

/** Every delivery steering answered is committed and enqueued (waits for the last batch). */
async function checkSteeringGuarantee(admin: pg.Client, schema: string, answered: number) {
  for (let i = 0; i < 100; i++) {
    const r = await admin.query<{ rows: string; pending: string }>(
      `SELECT count(*) AS rows, count(*) FILTER (WHERE enqueued_at IS NULL) AS pending
       FROM ${schema}.webhook_deliveries`,
    );
    const { rows, pending } = r.rows[0]!;
    if (Number(pending) === 0 || i === 99)
      return `${rows} rows for ${answered} answers, ${pending} not enqueued`;
    await new Promise((res) => setTimeout(res, 100));
  }
  return '';
}

async function intake(schema: string, prefix: string, admin: pg.Client) {
  const { runMigrations, openPostgresDatabase } = await import('../src/store/index.js');
  const db = openPostgresDatabase({ connectionString: DATABASE_URL, schema, max: 2 });
  await runMigrations(db);
  await db.close();
  const { targets, stop } = await startServers(schema, prefix);
  const body = pushBody();
  const cpu = { admin, redisPid: await localRedisPid(REDIS_URL) };
  const loadAtStart = loadavg()[0]!;
  try {
    console.log(
      `webhook intake: ${cpus().length} CPUs (load average ${loadAtStart.toFixed(1)}), node ${process.version}, ` +
        `PostgreSQL + Redis on loopback, ${DURATION}s per run, ${CONNECTIONS} connections, ` +
        `${body.length}-byte push payload, ${ROUNDS} rounds`,
    );
    for (const kind of Object.keys(KINDS) as Kind[]) await run(targets[kind], body, cpu, 2);
    const rows = [];
    const rates: Record<Kind, number[]> = { steering: [], express: [], probot: [] };
    const cpuPer: Record<Kind, number[]> = { steering: [], express: [], probot: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const kind of Object.keys(KINDS) as Kind[]) {
        await admin.query(`TRUNCATE ${schema}.webhook_deliveries CASCADE`);
        const row = await run(targets[kind], body, cpu);
        rows.push(row);
        rates[kind].push(row['deliveries/s']);
        const parts = [row['CPU µs/delivery: server'], row['its PostgreSQL'], row.Redis];
        if (typeof parts[0] === 'number' && typeof parts[1] === 'number')
          cpuPer[kind].push(parts.reduce<number>((a, b) => a + (typeof b === 'number' ? b : 0), 0));
        if (kind === 'steering')
          console.log(
            `  steering round ${round + 1}: ${await checkSteeringGuarantee(admin, schema, row.deliveries)}`,
          );
      }
    }
    console.table(rows);
    const s = median(rates.steering);
    const p = median(rates.probot);
    console.log(
      `steering ${s}/s: ${(s / p).toFixed(2)}× Probot (goal ≥ 2×), ` +
        `${(s / median(rates.express)).toFixed(2)}× bare Express + INSERT ` +
        `(medians of ${ROUNDS} rounds; steering ${rates.steering.join(', ')}/s, Probot ${rates.probot.join(', ')}/s)`,
    );
    if (cpuPer.steering.length && cpuPer.probot.length) {
      const cs = median(cpuPer.steering);
      const cp = median(cpuPer.probot);
      console.log(
        `CPU per delivery (medians; the server process + its PostgreSQL backends [+ the Redis server]): ` +
          `steering ${cs} µs, Probot ${cp} µs, bare Express ${median(cpuPer.express)} µs; ` +
          `on a machine whose cores are all busy the ratio tends to Probot's CPU / steering's = ${(cp / cs).toFixed(2)}×`,
      );
    }
    console.log(
      `load average ${loadAtStart.toFixed(1)} at start, ${loadavg()[0]!.toFixed(1)} at end (${cpus().length} CPUs): ` +
        `above the CPU count, the figures are shared with other work and vary between rounds`,
    );
  } finally {
    await stop();
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
  try {
    await intake(schema, prefix, admin);
    if (process.env.BENCH_SKIP_SCANS) return;
    const { runMigrations, openPostgresDatabase } = await import('../src/store/index.js');
    const db = openPostgresDatabase({ connectionString: DATABASE_URL, schema: scanSchema, max: 2 });
    await runMigrations(db);
    await db.close();
    console.log(
      'GitHub requests per scan (simulator request log; goal for a one-file rescan: ≤ 3)',
    );
    const scans = await countScanRequests(scanSchema);
    console.table(scans.rows);
    console.log(
      `secondary-limit answers ${JSON.stringify(scans.secondaryAnswers)}; duplicated writes ${JSON.stringify(scans.duplicated)}`,
    );
  } finally {
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.query(`DROP SCHEMA ${scanSchema} CASCADE`);
    await admin.end();
  }
}

const kindArg = process.argv[process.argv.indexOf('--server') + 1] as Kind;
if (process.argv.includes('--server')) await serverMain(kindArg);
else await main();
