/**
 * Who fails rule X: the repositories with their effective status on one rule (latest track by
 * default), with evidence, waiver and due date, keyset-paginated by full name.
 */
import type { Db, StoredEvidence } from '../store/index.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import type { FindingStatus } from './list-repositories.js';
import { deadlineOf } from './deadline.js';
import { ensureDeadlines } from './sync-deadlines.js';
import { statusRows } from './status-sql.js';

export interface RuleRepositoryRow {
  repository: string;
  status: FindingStatus;
  checkStatus: FindingStatus;
  level: string;
  version: string;
  since: string | null;
  message: string | null;
  evidence: StoredEvidence[];
  dueAt: string | null;
  deadline: 'due' | 'overdue' | null;
}

export function ruleRepositoriesSql(o: {
  ruleId: string;
  status?: string;
  track: string;
  limit: number;
  cursor?: string;
}): { sql: string; params: unknown[] } {
  const after = o.cursor ? decodeCursor(o.cursor, 2) : null;
  const params: unknown[] = [o.ruleId, o.track, o.status ?? null];
  const cursorSql = after
    ? `AND (r.full_name, r.id) > ($${params.push(String(after[0]))}, $${params.push(Number(after[1]))})`
    : '';
  const sql = `SELECT r.id, r.full_name, x.status, x.raw_status, x.level, x.version, x.message,
      x.evidence, x.due_at, x.overdue, s.since
    FROM ${statusRows((rs) => `${rs}.rule_id = $1 AND ${rs}.track = $2`)} x
    JOIN repositories r ON r.id = x.repository_id
    JOIN rule_status s ON s.repository_id = x.repository_id AND s.rule_id = x.rule_id AND s.track = x.track
    WHERE ($3::text IS NULL OR x.status = $3) ${cursorSql}
    ORDER BY r.full_name, r.id LIMIT $${params.push(o.limit + 1)}`;
  return { sql, params };
}

export async function listRuleRepositories(
  db: Db,
  o: {
    ruleId: string;
    status?: string;
    track?: 'adopted' | 'latest';
    limit: number;
    cursor?: string;
  },
): Promise<{ repositories: RuleRepositoryRow[]; nextCursor: string | null }> {
  await ensureDeadlines(db);
  const { sql, params } = ruleRepositoriesSql({ ...o, track: o.track ?? 'latest' });
  const r = await db.query(sql, params);
  const rows = r.rows.slice(0, o.limit);
  const now = Date.now();
  const repositories = rows.map((row) => {
    const dueAt = (row.due_at as Date | null)?.toISOString() ?? null;
    const status = row.status as FindingStatus;
    return {
      repository: row.full_name as string,
      status,
      checkStatus: row.raw_status as FindingStatus,
      level: row.level as string,
      version: row.version as string,
      since: (row.since as Date | null)?.toISOString() ?? null,
      message: (row.message as string | null) ?? null,
      evidence: (row.evidence as StoredEvidence[]).slice(0, 5),
      dueAt,
      deadline: deadlineOf({ status, level: row.level as string, dueAt }, now),
    };
  });
  const last = rows[rows.length - 1];
  return {
    repositories,
    nextCursor:
      r.rows.length > o.limit && last
        ? encodeCursor([last.full_name as string, Number(last.id)])
        : null,
  };
}
