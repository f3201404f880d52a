/**
 * The audit log: one row per write (publish, token create/revoke, waiver grant/revoke, rollout
 * promote), with who and when. Writers call `recordAudit` in the same transaction as the write.
 */
import type { Queryable } from '../store/index.js';
import { decodeCursor, encodeCursor } from './cursor.js';

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  details: Record<string, unknown>;
}

export async function recordAudit(
  q: Queryable,
  entry: { actor: string; action: string; subject: string; details?: Record<string, unknown> },
): Promise<void> {
  await q.query(`INSERT INTO audit_log (actor, action, subject, details) VALUES ($1, $2, $3, $4)`, [
    entry.actor,
    entry.action,
    entry.subject,
    JSON.stringify(entry.details ?? {}),
  ]);
}

/** Newest first, keyset-paginated by id. */
export async function listAudit(
  q: Queryable,
  options: { action?: string; limit: number; cursor?: string },
): Promise<{ entries: AuditEntry[]; nextCursor: string | null }> {
  const after = options.cursor ? decodeCursor(options.cursor, 1) : null;
  const r = await q.query(
    `SELECT id, at, actor, action, subject, details FROM audit_log
     WHERE ($1::text IS NULL OR action = $1 OR action LIKE $1 || '.%')
       AND ($2::bigint IS NULL OR id < $2)
     ORDER BY id DESC LIMIT $3`,
    [options.action ?? null, after ? Number(after[0]) : null, options.limit + 1],
  );
  const rows = r.rows.slice(0, options.limit).map((row) => ({
    id: Number(row.id),
    at: (row.at as Date).toISOString(),
    actor: row.actor as string,
    action: row.action as string,
    subject: row.subject as string,
    details: row.details as Record<string, unknown>,
  }));
  const last = rows[rows.length - 1];
  return {
    entries: rows,
    nextCursor: r.rows.length > options.limit && last ? encodeCursor([last.id]) : null,
  };
}
