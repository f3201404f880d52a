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
 * Measure: for each route, BENCH_ITERATIONS (default 30) sequential requests through the real
 * HTTP server on loopback, then the same number of runs of its queries (with the route's
 * parameters, in the route's order and parallelism). Printed: p50 / p95 of both and the ratio of
 * the medians. Goals (issue): each route ≤ 1.5× its SQL (fleet summary and heat map ≤ 2×); p95
 * < 200 ms for simple reads and < 500 ms for complex ones.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import {
  FLEET_SQL,
  HEATMAP_SQL,
  HISTORY_SQL,
  PAGE_AGGREGATES_SQL,
  SCANS_SQL,
  ensureDeadlines,
  listAudit,
  listWaivers,
  repositoryListSql,
  ruleRepositoriesSql,
  takeSnapshot,
} from '../src/compliance/index.js';
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
  sql: () => Promise<unknown>;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

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
    const app = createApp({
      db,
      logger: silentLogger,
      metrics: createMetrics({ processMetrics: false }),
    });
    const server = await startServer(app, { port: 0, host: '127.0.0.1' });
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
    // What every compliance read runs first (due dates of newly published versions) and the
    // repository lookup of the per-repository routes: part of "the SQL the route runs".
    const deadlinesCheck = () =>
      db.query(
        `SELECT g.id FROM guidelines g LEFT JOIN rule_deadlines_state s ON s.guideline_id = g.id
         WHERE g.latest_version IS NOT NULL AND s.latest_version IS DISTINCT FROM g.latest_version`,
      );
    const findRepo = () =>
      db.query(
        `SELECT id, owner, name, head_sha FROM repositories
         WHERE lower(owner) = lower($1) AND lower(name) = lower($2) AND deleted_at IS NULL`,
        repo.split('/'),
      );
    const list = (f: Parameters<typeof repositoryListSql>[0]) => async () => {
      await deadlinesCheck();
      const { sql, params } = repositoryListSql(f);
      const page = await db.query<{ id: string }>(sql, params);
      const ids = page.rows.slice(0, f.limit).map((r) => Number(r.id));
      await db.query(PAGE_AGGREGATES_SQL, [ids, f.guideline ?? null]);
      return ids;
    };
    const cases: Case[] = [
      {
        name: 'fleet summary',
        kind: 'complex',
        goal: 2,
        path: '/v1/compliance?guideline=bench',
        sql: async () => {
          await deadlinesCheck();
          await db.query(FLEET_SQL.guidelines, ['bench']);
          await db.query(FLEET_SQL.summary, ['bench', '2.0.0']);
        },
      },
      {
        name: 'repositories ?status=noncompliant',
        kind: 'complex',
        goal: 1.5,
        path: '/v1/repositories?guideline=bench&status=noncompliant&limit=100',
        sql: list({ guideline: 'bench', status: 'noncompliant', limit: 100 }),
      },
      {
        name: 'repositories ?overdue=true&topic=payments',
        kind: 'complex',
        goal: 1.5,
        path: '/v1/repositories?overdue=true&topic=payments&limit=100',
        sql: list({ overdue: true, topic: 'payments', limit: 100 }),
      },
      {
        name: 'rules/{id}/repositories ?status=fail',
        kind: 'simple',
        goal: 1.5,
        path: `/v1/rules/${rule}/repositories?status=fail&limit=100`,
        sql: async () => {
          await deadlinesCheck();
          const { sql, params } = ruleRepositoriesSql({
            ruleId: rule,
            status: 'fail',
            track: 'latest',
            limit: 100,
          });
          await db.query(sql, params);
        },
      },
      {
        name: 'repository compliance',
        kind: 'simple',
        goal: 1.5,
        path: `/v1/repositories/${repo}/compliance`,
        sql: async () => {
          await findRepo();
          await deadlinesCheck();
          await Promise.all([
            db.query(
              `SELECT rs.*, d.due_at FROM rule_status rs LEFT JOIN rule_deadlines d ON d.guideline_id = rs.guideline_id
                 AND d.version = rs.version AND d.rule_id = rs.rule_id WHERE rs.repository_id = $1
               ORDER BY rs.guideline_id, rs.track, rs.rule_id`,
              [repoId],
            ),
            db.query(
              `SELECT w.* FROM waivers w, repositories t WHERE t.id = $1 AND w.revoked_at IS NULL
                 AND (w.expires_at IS NULL OR w.expires_at > now()) AND (w.scope = 'fleet'
                 OR w.repository_id = t.id OR (w.scope = 'topic' AND w.topic = ANY (t.topics)))`,
              [repoId],
            ),
            db.query(
              `SELECT DISTINCT ON (guideline_id) guideline_id, version FROM adoptions WHERE repository_id = $1
               ORDER BY guideline_id, adopted_at DESC, id DESC`,
              [repoId],
            ),
          ]);
        },
      },
      {
        name: 'repository scans',
        kind: 'simple',
        goal: 1.5,
        path: `/v1/repositories/${repo}/scans?limit=30`,
        sql: async () => {
          await findRepo();
          await db.query(SCANS_SQL, [repoId, null, 31]);
        },
      },
      {
        name: 'one scan with findings',
        kind: 'simple',
        goal: 1.5,
        path: `/v1/repositories/${repo}/scans/${scanId}`,
        sql: async () => {
          await findRepo();
          await db.query(
            `SELECT s.*, r.full_name FROM scans s JOIN repositories r ON r.id = s.repository_id
             WHERE s.repository_id = $1 AND s.id = $2`,
            [repoId, scanId],
          );
          await db.query(
            `SELECT rule_id, status, level, message, evidence FROM findings WHERE scan_id = $1 ORDER BY rule_id`,
            [scanId],
          );
        },
      },
      {
        name: 'history ?bucket=week',
        kind: 'simple',
        goal: 1.5,
        path: '/v1/compliance/history?guideline=bench&bucket=week',
        sql: async () => {
          const to = new Date().toISOString().slice(0, 10);
          const from = new Date(Date.now() - 89 * 86_400_000).toISOString().slice(0, 10);
          await db.query(HISTORY_SQL, ['bench', null, from, to, 'week']);
        },
      },
      {
        name: 'waivers',
        kind: 'simple',
        goal: 1.5,
        path: '/v1/waivers?limit=100',
        sql: async () => {
          await listWaivers(db, { limit: 100 }); // one statement: its SQL as is
        },
      },
      {
        name: 'audit',
        kind: 'simple',
        goal: 1.5,
        path: '/v1/audit?limit=100',
        sql: async () => {
          await listAudit(db, { limit: 100 }); // one statement: its SQL as is
        },
      },
      {
        name: 'heat map (HTML)',
        kind: 'complex',
        goal: 2,
        path: '/heatmap?guideline=bench',
        sql: async () => {
          // The session lookup and the guideline list the page runs before its data.
          await db.query(
            `SELECT t.name FROM web_sessions s JOIN api_tokens t ON t.id = s.token_id
             WHERE s.id_sha256 = $1 AND s.expires_at > now() AND t.revoked_at IS NULL`,
            ['0'.repeat(64)],
          );
          await db.query(`SELECT id, title, latest_version FROM guidelines ORDER BY id`);
          const ids = await list({ guideline: 'bench', limit: 40 })();
          await db.query(HEATMAP_SQL, ['bench', ids]);
        },
      },
    ];
    // Today's snapshot, as the workers' schedule takes it (reads never do): timed, since at fleet
    // scale it aggregates every rule's status (the worker allows it SNAPSHOT_TIMEOUT_MS).
    await timed("today's snapshot (the workers' scheduled job)", () =>
      takeSnapshot(db, new Date(), { timeoutMs: 0 }),
    );

    console.log(`\n${ITERATIONS} iterations each; times in ms (p50 / p95)`);
    console.log(
      'route'.padEnd(44) +
        'route p50/p95'.padStart(16) +
        'SQL p50/p95'.padStart(16) +
        'ratio'.padStart(8) +
        '  goal',
    );
    for (const c of cases) {
      const headers: Record<string, string> = c.path.startsWith('/v1')
        ? { authorization: `Bearer ${token}` }
        : { cookie };
      const warm = await fetch(server.url + c.path, { headers });
      if (warm.status !== 200) {
        console.log(`${c.name.padEnd(44)}FAILED: ${warm.status} ${await warm.text()}`);
        continue;
      }
      await c.sql();
      const route: number[] = [];
      const sql: number[] = [];
      // Interleaved, so both see the same cache and load.
      for (let i = 0; i < ITERATIONS; i++) {
        let t0 = performance.now();
        const res = await fetch(server.url + c.path, { headers });
        await res.arrayBuffer();
        route.push(performance.now() - t0);
        t0 = performance.now();
        await c.sql();
        sql.push(performance.now() - t0);
      }
      const ratio = pct(route, 50) / pct(sql, 50);
      const limit = c.kind === 'simple' ? 200 : 500;
      const ok = ratio <= c.goal && pct(route, 95) < limit;
      console.log(
        c.name.padEnd(44) +
          `${pct(route, 50).toFixed(1)} / ${pct(route, 95).toFixed(1)}`.padStart(16) +
          `${pct(sql, 50).toFixed(1)} / ${pct(sql, 95).toFixed(1)}`.padStart(16) +
          `${ratio.toFixed(2)}×`.padStart(8) +
          `  ≤ ${c.goal}×, p95 < ${limit} ms ${ok ? 'ok' : 'MISSED'}`,
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
    await server.close();
  } finally {
    await db.close();
    if (!KEEP) await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    else console.log(`kept schema ${schema}`);
    await admin.end();
  }
}

await main();
