/**
 * `npm run bench:compliance [-- --repos N | --full] [--keep | --schema bench_…]`: the fleet
 * compliance routes at fleet scale, each beside the bare SQL it runs, in the same run and against
 * the same pool. `--keep` keeps the seeded schema; `--schema` measures a kept one again (after
 * applying any newer migration) instead of seeding, or completes its seed when that was
 * interrupted (give the same `--repos` / `--full`: the seed resumes at the first missing step).
 *
 * Seed (fresh PostgreSQL schema, TEST_DATABASE_URL): guideline `bench` with 50 rules (40 MUST
 * thresholds, 10 SHOULD practices) in two versions (2.0.0 tightens five thresholds, grace 30 days,
 * so some findings are due and some overdue); N repositories (default 1,000; `--full`: 10,000),
 * 30 completed scans each with 50 findings per scan, the latest status of both tracks, adoptions
 * (60 % on 2.0.0, 30 % on 1.0.0), 100 repository waivers and one topic waiver, 90 days of daily
 * snapshots, 1,000 audit entries.
 *
 * Measure: for each route, BENCH_ITERATIONS (default 30; more until BENCH_MIN_MS, default 3 s,
 * have passed, so the reads of a few ms get hundreds of runs) sequential requests through the real
 * HTTP server on loopback (node:http, one kept-alive connection), interleaved with the same number
 * of runs of its SQL: the statements the route sent (recorded through the pool during a warm
 * request: same texts, same parameters, same order and parallelism; the cached token look-up left
 * out). Printed: the round trip of a request node:http answers without the app (what the client
 * and HTTP cost by themselves), then per route p50 / p95 of both, the ratio of the medians, the
 * CPU time this process spends per request above its SQL (client, HTTP, app: the fixed cost,
 * which load stretches in wall time) and how many statements in how many sequential steps the
 * route ran. Goals (issue): each route ≤ 1.5×
 * its SQL (fleet summary and heat map ≤ 2×); p95 < 200 ms for simple reads and < 500 ms for
 * complex ones.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { FLEET_SQL, ensureDeadlines, takeSnapshot } from '../src/compliance/index.js';
import { createApp, startServer } from '../src/http/index.js';
import { silentLogger } from '../src/log.js';
import { createMetrics } from '../src/metrics.js';
import { publishGuideline } from '../src/publish/index.js';
import {
  createApiToken,
  openPostgresDatabase,
  runMigrations,
  type Db,
} from '../src/store/index.js';

const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';
const args = process.argv.slice(2);
const REPOS = args.includes('--full')
  ? 10_000
  : Number((args.includes('--repos') && args[args.indexOf('--repos') + 1]) || 1000);
const SCANS = 30;
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 30);
/** Each route runs at least this long (ms): a read of a few ms gets enough runs for stable medians. */
const MIN_MS = Number(process.env.BENCH_MIN_MS ?? 3000);
const REUSE = args.includes('--schema') ? args[args.indexOf('--schema') + 1] : undefined;
const KEEP = args.includes('--keep') || REUSE !== undefined;

function guidelineSource(version: 1 | 2): string {
  const words = 'alpha bravo charlie delta echo foxtrot golf hotel india juliet'.split(' ');
  const lines = [
    '---',
    'id: bench',
    'title: Bench',
    ...(version === 2 ? ['grace: 30d'] : []),
    '---',
  ];
  lines.push('# Bench', '', '## Response times', '');
  for (let i = 1; i <= 40; i++)
    lines.push(`- Endpoint ${i}: < ${version === 2 && i <= 5 ? 50 + i : 100 + i}ms`);
  lines.push('', '## Practices', '');
  for (const w of words) lines.push(`- Services SHOULD enable ${w} tracing.`);
  return lines.join('\n') + '\n';
}

async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const out = await fn();
  console.log(`  ${label}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return out;
}

/** True when the query (`FROM …`) finds no row: that step of the seed has not run yet. */
async function missing(db: Db, from: string): Promise<boolean> {
  return (await db.query(`SELECT 1 FROM ${from} LIMIT 1`)).rows.length === 0;
}

/**
 * Seeds the schema one committed statement at a time; a step whose rows are there already is
 * skipped, so `--schema` completes a seed that was interrupted.
 */
async function seed(db: Db): Promise<void> {
  if (!(await missing(db, `audit_log WHERE actor = 'token:bench'`))) return;
  console.log(`seeding ${REPOS} repositories × 50 rules × ${SCANS} scans`);
  if (await missing(db, 'guideline_versions')) await publishBench(db);
  await seedRows(db);
}

async function publishBench(db: Db): Promise<void> {
  await publishGuideline(db, { source: guidelineSource(1), path: 'bench.md', publisher: 'bench' });
  // 2.0.0 is published "5 days ago" relative to the scans, so tightened rules are due in 25 days.
  await publishGuideline(db, { source: guidelineSource(2), path: 'bench.md', publisher: 'bench' });
  await db.query(
    `UPDATE guideline_versions SET created_at = now() - interval '40 days' WHERE version = '1.0.0'`,
  );
  await db.query(
    `UPDATE guideline_versions SET created_at = now() - interval '5 days' WHERE version = '2.0.0'`,
  );
  await ensureDeadlines(db, 0);
  // Without grace, 1.0.0's rules were due at its publish time: failing MUST rules are overdue.
}

async function seedRows(db: Db): Promise<void> {
  const step = async (from: string, label: string, fn: () => Promise<unknown>) => {
    if (await missing(db, from)) await timed(label, fn);
  };
  await step('repositories', 'repositories', () =>
    db.query(
      `INSERT INTO repositories (id, owner, name, topics, installation_id, head_sha)
       SELECT i, 'org' || (i % 25), 'svc-' || i,
         CASE WHEN i % 10 = 0 THEN ARRAY['payments'] ELSE '{}'::text[] END, 1,
         substr(md5('h' || i) || md5('t' || i), 1, 40)
       FROM generate_series(1, $1::int) i`,
      [REPOS],
    ),
  );
  await step('scans', 'scans', () =>
    db.query(
      `INSERT INTO scans (repository_id, sha, guideline_id, version, state, trigger, summary, tracks,
         created_at, started_at, finished_at)
       SELECT i, CASE WHEN s = $2::int THEN substr(md5('h' || i) || md5('t' || i), 1, 40)
                      ELSE substr(md5(i || '-' || s) || md5(s || '-' || i), 1, 40) END,
         'bench', CASE WHEN s > 20 THEN '2.0.0' ELSE '1.0.0' END, 'completed', 'push',
         '{"pass": 45, "fail": 5}'::jsonb, ARRAY['latest'],
         now() - ($2::int - s) * interval '1 day', now() - ($2::int - s) * interval '1 day',
         now() - ($2::int - s) * interval '1 day'
       FROM generate_series(1, $1::int) i, generate_series(1, $2::int) s`,
      [REPOS, SCANS],
    ),
  );
  // About 12 % of findings fail; the five thresholds 2.0.0 tightens fail 15 points more often.
  const failing = `(abs(hashtext(sc.repository_id::text || r.rule_id)) % 100) <
    12 + CASE WHEN sc.version = '2.0.0' AND r.rule_id ~ 'endpoint-[1-5]$' THEN 15 ELSE 0 END`;
  await step('findings', 'findings', () =>
    db.query(
      `INSERT INTO findings (scan_id, rule_id, status, level, message, evidence)
       SELECT sc.id, r.rule_id,
         (CASE WHEN ${failing} THEN 'fail' ELSE 'pass' END)::finding_status,
         r.level, 'measured 120 ms', '[]'::jsonb
       FROM scans sc JOIN rules r ON r.guideline_id = sc.guideline_id AND r.version = sc.version`,
    ),
  );
  // One bulk statement: its summary rows are computed once afterwards over the analysed table (the
  // statement trigger's per-key refresh is made for a scan's few rows, not for the whole fleet).
  await step('rule_status', 'rule_status (both tracks) and compliance_summary', async () =>
    db.transaction(async (tx) => {
      await tx.query(`ALTER TABLE rule_status DISABLE TRIGGER rule_status_summary_insert`);
      await tx.query(
        `INSERT INTO rule_status (repository_id, guideline_id, rule_id, version, status, level, scan_id,
         sha, evidence, message, track, since, updated_at)
       SELECT sc.repository_id, 'bench', f.rule_id, sc.version, f.status, f.level, sc.id, sc.sha,
         CASE WHEN f.status = 'fail' THEN '[{"path": "src/app.ts", "line": 12}]'::jsonb ELSE '[]'::jsonb END,
         CASE WHEN f.status = 'fail' THEN 'report: measured 120 ms' ELSE 'ok' END,
         t.track, sc.created_at, sc.finished_at
       FROM scans sc JOIN findings f ON f.scan_id = sc.id
       CROSS JOIN (VALUES ('latest'), ('adopted')) t(track)
       WHERE sc.sha = substr(md5('h' || sc.repository_id) || md5('t' || sc.repository_id), 1, 40)
         AND (t.track = 'latest' OR sc.repository_id % 10 < 6)`,
      );
      await tx.query(`ALTER TABLE rule_status ENABLE TRIGGER rule_status_summary_insert`);
      await tx.query('ANALYZE rule_status');
      await tx.query(`DELETE FROM compliance_summary`);
      await tx.query(`SELECT refresh_compliance_summary(coalesce(jsonb_agg(k), '[]'::jsonb))
      FROM (SELECT DISTINCT repository_id, guideline_id, track FROM rule_status) k`);
    }),
  );
  await step(`audit_log WHERE actor = 'token:bench'`, 'adoptions, waivers, snapshots, audit', () =>
    db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO adoptions (repository_id, guideline_id, version, adopted_at)
       SELECT i, 'bench', CASE WHEN i % 10 < 6 THEN '2.0.0' ELSE '1.0.0' END, now() - interval '3 days'
       FROM generate_series(1, $1::int) i WHERE i % 10 < 9`,
        [REPOS],
      );
      await tx.query(
        `INSERT INTO waivers (repository_id, rule_id, rule_like, reason, created_by, expires_at, scope, owner)
       SELECT (i * 97) % $1 + 1, 'bench.response-times.endpoint-' || (i % 40 + 1),
         'bench.response-times.endpoint-' || (i % 40 + 1), 'bench', 'bench', now() + interval '30 days',
         'repository', 'team'
       FROM generate_series(1, 100) i`,
        [REPOS],
      );
      await tx.query(
        `INSERT INTO waivers (repository_id, rule_id, rule_like, reason, created_by, expires_at, scope, topic, owner)
       VALUES (NULL, 'bench.practices.*', 'bench.practices.%', 'bench', 'bench', now() + interval '30 days', 'topic', 'payments', 'platform')`,
      );
      await tx.query(
        `INSERT INTO compliance_daily (day, guideline_id, rule_id, level, pass, fail, exempt, other, overdue)
       SELECT current_date - d, 'bench', r.rule_id, r.level, $1 - (d + 10), d + 10, 2, 0, d / 3
       FROM generate_series(1, 90) d, rules r WHERE r.guideline_id = 'bench' AND r.version = '2.0.0'`,
        [REPOS],
      );
      await tx.query(
        `INSERT INTO audit_log (actor, action, subject, details)
       SELECT 'token:bench', 'waiver.grant', 'org1/svc-' || i, '{}'::jsonb FROM generate_series(1, 1000) i`,
      );
    }),
  );
  await timed('analyze', () => db.query('ANALYZE'));
}

interface Case {
  name: string;
  kind: 'simple' | 'complex';
  goal: number;
  path: string;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

/** One statement a request ran: its text and parameters, when it started and settled. */
interface Statement {
  sql: string;
  params: readonly unknown[] | undefined;
  start: number;
  end: number;
  /** A transaction the request opened: its statements run on their own client, not replayed. */
  transaction?: true;
}

/**
 * Records every statement run through `db.query` while `recording` is set (the route and its SQL
 * share the pool, so the bench sees exactly what the route sends).
 */
function recordStatements(db: Db): { during(fn: () => Promise<unknown>): Promise<Statement[]> } {
  let recording: Statement[] | null = null;
  const query = db.query.bind(db);
  db.query = ((sql: string, params?: readonly unknown[]) => {
    const log = recording;
    const s: Statement = { sql, params, start: performance.now(), end: Infinity };
    log?.push(s);
    const settled = () => (s.end = performance.now());
    return query(sql, params).finally(settled);
  }) as Db['query'];
  const transaction = db.transaction.bind(db);
  db.transaction = (fn) => {
    recording?.push({ sql: '', params: undefined, start: NaN, end: NaN, transaction: true });
    return transaction(fn);
  };
  return {
    async during(fn) {
      recording = [];
      const log = recording;
      try {
        await fn();
      } finally {
        recording = null;
      }
      return log;
    },
  };
}

/**
 * The route's statements as a bare replay: the same texts and parameters, each started once every
 * statement that had settled before it started (in the route) has settled, so the order and the
 * parallelism are the route's. The token look-up is left out: it is cached (one look-up per token
 * every few seconds), so a steady stream of requests does not run it. A transaction the request
 * opened (none of the measured reads does, unless due dates were stale) is named in the output.
 */
function replayOf(db: Db, statements: Statement[]): { run: () => Promise<void>; shape: string } {
  const transactions = statements.filter((s) => s.transaction).length;
  const own = statements.filter(
    (s) => !s.transaction && (!/\bapi_tokens\b/.test(s.sql) || /web_sessions/.test(s.sql)),
  );
  const deps = own.map((s) => own.flatMap((o, j) => (o.end <= s.start ? [j] : [])));
  const steps = new Set(own.map((_s, i) => deps[i]!.length)).size;
  return {
    shape:
      `${own.length} statement${own.length === 1 ? '' : 's'} in ${steps} step${steps === 1 ? '' : 's'}` +
      (transactions ? `; ${transactions} transaction(s) NOT replayed` : ''),
    async run() {
      const done: Promise<unknown>[] = [];
      own.forEach((s, i) => {
        const after = deps[i]!.map((j) => done[j]!);
        done.push(
          after.length
            ? Promise.all(after).then(() => db.query(s.sql, s.params))
            : db.query(s.sql, s.params),
        );
      });
      await Promise.all(done);
    },
  };
}

/** A GET over a kept-alive connection through node:http (a real request, little client work). */
function httpClient(baseUrl: string) {
  const url = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  return {
    get(path: string, headers: Record<string, string> = {}) {
      return new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.request(
          { host: url.hostname, port: url.port, path, headers, agent },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () =>
              resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString() }),
            );
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end();
      });
    },
    close: () => agent.destroy(),
  };
}

async function main(): Promise<void> {
  if (REUSE !== undefined && !/^bench_[0-9a-f]{10}$/.test(REUSE))
    throw new Error(`--schema ${REUSE}: expected a schema a --keep run printed (bench_<10 hex>)`);
  const schema = REUSE ?? `bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  if (!REUSE) await admin.query(`CREATE SCHEMA ${schema}`);
  // The seed's bulk statements run for minutes at full size: no statement timeout while seeding.
  const seedDb = openPostgresDatabase({
    connectionString: DATABASE_URL,
    schema,
    max: 2,
    statementTimeoutMs: 0,
    queryTimeoutMs: 0,
  });
  const db = openPostgresDatabase({ connectionString: DATABASE_URL, schema, max: 10 });
  try {
    // A kept schema gets only the migrations added since it was seeded.
    await timed('migrations', () => runMigrations(seedDb));
    await seed(seedDb); // nothing to do for a kept schema whose seed completed
    if (REUSE) await timed('analyze', () => seedDb.query('ANALYZE'));
    await seedDb.close();
    const { token } = await createApiToken(db, {
      name: `bench-${randomBytes(3).toString('hex')}`,
      scopes: ['admin'],
    });
    const statements = recordStatements(db);
    const app = createApp({
      db,
      logger: silentLogger,
      metrics: createMetrics({ processMetrics: false }),
    });
    const server = await startServer(app, { port: 0, host: '127.0.0.1' });
    const client = httpClient(server.url);
    const login = await fetch(`${server.url}/login`, {
      method: 'POST',
      body: new URLSearchParams({ token }),
      redirect: 'manual',
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const repos = REUSE
      ? Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM repositories`)).rows[0]!.n)
      : REPOS;
    const repoId = Math.max(1, Math.floor(repos / 3));
    const repo = `org${repoId % 25}/svc-${repoId}`;
    const scanId = Number(
      (
        await db.query<{ id: string }>(`SELECT max(id) AS id FROM scans WHERE repository_id = $1`, [
          repoId,
        ])
      ).rows[0]!.id,
    );
    const rule = 'bench.response-times.endpoint-3';
    const cases: Case[] = [
      { name: 'fleet summary', kind: 'complex', goal: 2, path: '/v1/compliance?guideline=bench' },
      {
        name: 'repositories ?status=noncompliant',
        kind: 'complex',
        goal: 1.5,
        path: '/v1/repositories?guideline=bench&status=noncompliant&limit=100',
      },
      {
        name: 'repositories ?overdue=true&topic=payments',
        kind: 'complex',
        goal: 1.5,
        path: '/v1/repositories?overdue=true&topic=payments&limit=100',
      },
      {
        name: 'rules/{id}/repositories ?status=fail',
        kind: 'simple',
        goal: 1.5,
        path: `/v1/rules/${rule}/repositories?status=fail&limit=100`,
      },
      {
        name: 'repository compliance',
        kind: 'simple',
        goal: 1.5,
        path: `/v1/repositories/${repo}/compliance`,
      },
      {
        name: 'repository scans',
        kind: 'simple',
        goal: 1.5,
        path: `/v1/repositories/${repo}/scans?limit=30`,
      },
      {
        name: 'one scan with findings',
        kind: 'simple',
        goal: 1.5,
        path: `/v1/repositories/${repo}/scans/${scanId}`,
      },
      {
        name: 'history ?bucket=week',
        kind: 'simple',
        goal: 1.5,
        path: '/v1/compliance/history?guideline=bench&bucket=week',
      },
      { name: 'waivers', kind: 'simple', goal: 1.5, path: '/v1/waivers?limit=100' },
      { name: 'audit', kind: 'simple', goal: 1.5, path: '/v1/audit?limit=100' },
      { name: 'heat map (HTML)', kind: 'complex', goal: 2, path: '/heatmap?guideline=bench' },
    ];
    // Today's snapshot, as the workers' schedule takes it (reads never do): timed, since at fleet
    // scale it aggregates every rule's status (the worker allows it SNAPSHOT_TIMEOUT_MS).
    await timed("today's snapshot (the workers' scheduled job)", () =>
      takeSnapshot(db, new Date(), { timeoutMs: 0 }),
    );

    // What the client and a bare node:http answer cost: /health is answered before Express.
    const health: number[] = [];
    for (let i = 0; i < 20 + ITERATIONS * 5; i++) {
      const t0 = performance.now();
      await client.get('/health');
      if (i >= 20) health.push(performance.now() - t0);
    }
    console.log(
      `\nHTTP round trip without the app (GET /health through node:http, keep-alive, same process): ` +
        `p50 ${pct(health, 50).toFixed(2)} / p95 ${pct(health, 95).toFixed(2)} ms`,
    );
    console.log(
      `${ITERATIONS} iterations each, more while under ${MIN_MS / 1000} s; times in ms (p50 / p95); ` +
        `SQL: the route's own statements replayed; +CPU: this process's CPU time per request ` +
        `above its SQL's (client, HTTP, app)`,
    );
    console.log(
      'route'.padEnd(44) +
        'route p50/p95'.padStart(16) +
        'SQL p50/p95'.padStart(16) +
        'ratio'.padStart(8) +
        '+CPU ms'.padStart(8) +
        '  goal',
    );
    for (const c of cases) {
      const headers: Record<string, string> = c.path.startsWith('/v1')
        ? { authorization: `Bearer ${token}` }
        : { cookie };
      const warm = await client.get(c.path, headers);
      if (warm.status !== 200) {
        console.log(`${c.name.padEnd(44)}FAILED: ${warm.status} ${warm.body}`);
        continue;
      }
      // The second request's statements: the first one filled the per-process caches.
      const sql = replayOf(db, await statements.during(() => client.get(c.path, headers)));
      await sql.run();
      const route: number[] = [];
      const bare: number[] = [];
      // CPU time of this process (client, server, pg client) per run of each: what the route adds
      // here, which the machine's load stretches in wall time but does not change much.
      const cpu = { route: 0, bare: 0 };
      const cpuSince = (from: NodeJS.CpuUsage) => {
        const c = process.cpuUsage(from);
        return (c.user + c.system) / 1000;
      };
      // Interleaved, so both see the same cache and load.
      const begun = performance.now();
      for (let i = 0; i < ITERATIONS || performance.now() - begun < MIN_MS; i++) {
        let c0 = process.cpuUsage();
        let t0 = performance.now();
        await client.get(c.path, headers);
        route.push(performance.now() - t0);
        cpu.route += cpuSince(c0);
        c0 = process.cpuUsage();
        t0 = performance.now();
        await sql.run();
        bare.push(performance.now() - t0);
        cpu.bare += cpuSince(c0);
      }
      const extraCpu = (cpu.route - cpu.bare) / route.length;
      const ratio = pct(route, 50) / pct(bare, 50);
      const limit = c.kind === 'simple' ? 200 : 500;
      const ok = ratio <= c.goal && pct(route, 95) < limit;
      console.log(
        c.name.padEnd(44) +
          `${pct(route, 50).toFixed(1)} / ${pct(route, 95).toFixed(1)}`.padStart(16) +
          `${pct(bare, 50).toFixed(1)} / ${pct(bare, 95).toFixed(1)}`.padStart(16) +
          `${ratio.toFixed(2)}×`.padStart(8) +
          `${extraCpu.toFixed(2)}`.padStart(8) +
          `  ≤ ${c.goal}×, p95 < ${limit} ms ${ok ? 'ok' : 'MISSED'} (${sql.shape}; ${route.length} runs)`,
      );
    }
    // The summary's statement over the maintained rows against the same statement over rows
    // aggregated from rule_status on the fly (what reading without migration 0090 costs).
    const kept: number[] = [];
    const computed: number[] = [];
    for (let i = 0; i < ITERATIONS; i++) {
      let t0 = performance.now();
      await db.query(FLEET_SQL.summary, ['bench', '2.0.0']);
      kept.push(performance.now() - t0);
      t0 = performance.now();
      // Over the pool's statement timeout it is recorded at the time it gave up (a lower bound).
      await db.query(FLEET_SQL.computed, ['bench', '2.0.0']).catch(() => undefined);
      computed.push(performance.now() - t0);
    }
    console.log(
      `\nfleet summary statement p50 / p95: over compliance_summary ${pct(kept, 50).toFixed(1)} / ` +
        `${pct(kept, 95).toFixed(1)} ms; aggregating rule_status instead ${pct(computed, 50).toFixed(1)} / ` +
        `${pct(computed, 95).toFixed(1)} ms (${(pct(computed, 50) / pct(kept, 50)).toFixed(1)}×)`,
    );
    client.close();
    await server.close();
  } finally {
    await db.close();
    if (!KEEP) await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    else console.log(`kept schema ${schema}`);
    await admin.end();
  }
}

await main();
