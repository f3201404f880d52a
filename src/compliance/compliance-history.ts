/**
 * History: one row per day, guideline and rule with the fleet's counts on the latest version,
 * so the burndown reads a few hundred rows instead of replaying scans. `takeSnapshot` writes (or
 * rewrites) today's rows; the worker's schedule runs it (snapshot-schedule.ts), and reads never
 * write.
 */
import { SteeringError } from '../errors.js';
import type { Db } from '../store/index.js';
import { ensureDeadlines } from './sync-deadlines.js';
import { statusRows } from './status-sql.js';

export interface HistoryPoint {
  date: string;
  pass: number;
  fail: number;
  mustFailing: number;
  exempt: number;
  other: number;
  overdue: number;
}

const dayOf = (d: Date) => d.toISOString().slice(0, 10);

export const SNAPSHOT_SQL = `INSERT INTO compliance_daily (day, guideline_id, rule_id, level, pass, fail,
    exempt, other, overdue, taken_at)
  SELECT $1::date, guideline_id, rule_id, max(level), count(*) FILTER (WHERE status = 'pass'),
    count(*) FILTER (WHERE status IN ('fail', 'error')), count(*) FILTER (WHERE status = 'exempt'),
    count(*) FILTER (WHERE status NOT IN ('pass', 'fail', 'error', 'exempt')),
    count(*) FILTER (WHERE overdue), now()
  FROM ${statusRows((rs) => `${rs}.track = 'latest'`)} x GROUP BY guideline_id, rule_id
  ON CONFLICT (guideline_id, day, rule_id) DO UPDATE SET level = EXCLUDED.level,
    pass = EXCLUDED.pass, fail = EXCLUDED.fail, exempt = EXCLUDED.exempt, other = EXCLUDED.other,
    overdue = EXCLUDED.overdue, taken_at = EXCLUDED.taken_at`;

/**
 * Writes (or rewrites) the rows of `now`'s day in one statement. `timeoutMs`: the statement's own
 * timeout (the worker allows longer than an API request), set for its transaction only.
 */
export async function takeSnapshot(
  db: Db,
  now = new Date(),
  options: { timeoutMs?: number } = {},
): Promise<number> {
  await ensureDeadlines(db);
  return db.transaction(async (tx) => {
    if (options.timeoutMs !== undefined)
      await tx.query(`SELECT set_config('statement_timeout', $1, true)`, [
        String(Math.max(0, Math.round(options.timeoutMs))),
      ]);
    const r = await tx.query(SNAPSHOT_SQL, [dayOf(now)]);
    return r.rowCount;
  });
}

export const HISTORY_SQL = `SELECT to_char(day, 'YYYY-MM-DD') AS date, pass, fail, must_failing,
    exempt, other, overdue FROM (
  SELECT DISTINCT ON (bucket) bucket, day, pass, fail, must_failing, exempt, other, overdue FROM (
    SELECT CASE WHEN $5 = 'week' THEN date_trunc('week', day)::date ELSE day END AS bucket, day,
      sum(pass)::int AS pass, sum(fail)::int AS fail,
      (sum(fail) FILTER (WHERE level = 'MUST'))::int AS must_failing,
      sum(exempt)::int AS exempt, sum(other)::int AS other, sum(overdue)::int AS overdue
    FROM compliance_daily
    WHERE ($1::text IS NULL OR guideline_id = $1) AND ($2::text IS NULL OR rule_id = $2)
      AND day BETWEEN $3::date AND $4::date
    GROUP BY day) d
  ORDER BY bucket, day DESC) b
ORDER BY day`;

export async function complianceHistory(
  db: Db,
  o: { guideline?: string; rule?: string; from?: string; to?: string; bucket?: 'day' | 'week' },
): Promise<HistoryPoint[]> {
  const to = o.to ?? dayOf(new Date());
  const from = o.from ?? dayOf(new Date(Date.parse(to) - 89 * 86_400_000));
  if (from > to)
    throw new SteeringError('INVALID_INPUT', `from (${from}) is after to (${to})`, {
      details: { parameter: 'from' },
    });
  const r = await db.query<{
    date: string;
    pass: number;
    fail: number;
    must_failing: number | null;
    exempt: number;
    other: number;
    overdue: number;
  }>(HISTORY_SQL, [o.guideline ?? null, o.rule ?? null, from, to, o.bucket ?? 'day']);
  return r.rows.map((x) => ({
    date: x.date,
    pass: x.pass,
    fail: x.fail,
    mustFailing: x.must_failing ?? 0,
    exempt: x.exempt,
    other: x.other,
    overdue: x.overdue,
  }));
}
