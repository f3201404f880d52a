/**
 * `npm run soak` (also `npm run bench:soak`): steering under a steady load for a long while.
 * Starts `steering serve` in a child process on a fresh PostgreSQL schema (TEST_DATABASE_URL)
 * with its own Redis prefix (REDIS_URL, default the local one), then autocannon sends `--rate`
 * requests a second (default 1000) for `--minutes` (default 10): a mix of reads (`/health`,
 * `/v1/guidelines` with a token) and signed `repository` webhooks, each with a fresh delivery id. The
 * server's RSS is sampled every 10 s and printed as a curve, with the outbox counts
 * (recorded, enqueued, processed) at the end. A script, not a test: nothing is asserted.
 *
 *   npm run soak -- --minutes 1 --rate 300
 */
import { spawn } from 'node:child_process';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    rate: { type: 'string', default: '1000' },
    connections: { type: 'string', default: '20' },
  },
});
const MINUTES = Number(values.minutes);
const RATE = Number(values.rate);
const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SECRET = 'soak-webhook-secret';
const schema = `soak_${randomBytes(4).toString('hex')}`;
const prefix = `soak-${randomBytes(4).toString('hex')}`;
const dataDir = mkdtempSync(join(tmpdir(), 'steering-soak-'));

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: DATABASE_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function waitForHealth(url: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const ok = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('steering serve did not answer /health within a minute');
}

function webhookRequest(): autocannon.Request {
  // A repository rename: recorded in the outbox and processed (a registry update, no GitHub call).
  const body = JSON.stringify({
    action: 'renamed',
    changes: { repository: { name: { from: 'old-name' } } },
    repository: {
      id: 424242,
      name: 'soak-service',
      full_name: 'soak-org/soak-service',
      owner: { login: 'soak-org' },
      default_branch: 'main',
    },
    installation: { id: 1 },
  });
  const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
  return {
    method: 'POST',
    path: '/webhooks/github',
    setupRequest: (req) => ({
      ...req,
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'repository',
        'x-github-delivery': randomUUID(),
        'x-hub-signature-256': signature,
      },
      body,
    }),
  };
}

function printCurve(samples: Array<{ s: number; mb: number }>): void {
  const max = Math.max(...samples.map((x) => x.mb));
  console.log('\nRSS of steering serve (every 10 s):');
  for (const x of samples)
    console.log(
      `${String(x.s).padStart(5)} s ${x.mb.toFixed(0).padStart(5)} MB ${'#'.repeat(Math.round((40 * x.mb) / max))}`,
    );
}

async function main(): Promise<void> {
  await admin((c) => c.query(`CREATE SCHEMA ${schema}`));
  const port = 40_000 + Math.floor(Math.random() * 20_000);
  const dbUrl = `${DATABASE_URL}${DATABASE_URL.includes('?') ? '&' : '?'}options=-c%20search_path%3D${schema}`;
  const child = spawn(process.execPath, ['bin/steering.js', 'serve', '--migrate'], {
    env: {
      ...process.env,
      DATABASE_URL: dbUrl,
      REDIS_URL,
      STEERING_QUEUE_PREFIX: prefix,
      STEERING_DATA_DIR: dataDir,
      GITHUB_WEBHOOK_SECRET: SECRET,
      PORT: String(port),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(url);
    const token = (
      JSON.parse(readFileSync(join(dataDir, 'server.json'), 'utf8')) as { token: string }
    ).token;
    const samples: Array<{ s: number; mb: number }> = [{ s: 0, mb: rssMb(child.pid!) }];
    const started = Date.now();
    const sampler = setInterval(() => {
      samples.push({ s: Math.round((Date.now() - started) / 1000), mb: rssMb(child.pid!) });
      console.log(`  ${samples.at(-1)!.s} s: RSS ${samples.at(-1)!.mb.toFixed(0)} MB`);
    }, 10_000);
    console.log(`soak: ${MINUTES} min at ${RATE} req/s against ${url} (schema ${schema})`);
    const result = await autocannon({
      url,
      duration: MINUTES * 60,
      overallRate: RATE,
      connections: Number(values.connections),
      requests: [
        { method: 'GET', path: '/health' },
        { method: 'GET', path: '/v1/guidelines', headers: { authorization: `Bearer ${token}` } },
        webhookRequest(),
      ],
    });
    clearInterval(sampler);
    samples.push({ s: Math.round((Date.now() - started) / 1000), mb: rssMb(child.pid!) });
    printCurve(samples);
    console.log(
      `\nrequests ${result.requests.total} (${result.requests.average}/s), 2xx ${result['2xx']}, non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}; latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms`,
    );
    const counts = await admin((c) =>
      c.query(
        `SELECT count(*)::int AS recorded, count(enqueued_at)::int AS enqueued,
           count(processed_at)::int AS processed FROM ${schema}.webhook_deliveries`,
      ),
    );
    console.log('outbox:', counts.rows[0]);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await admin((c) => c.query(`DROP SCHEMA ${schema} CASCADE`)).catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
