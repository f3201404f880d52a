/** Waivers: a repository may be exempt from a rule, with a reason, until an expiry. */
import type { Queryable } from './db.js';
import { iso } from './to-iso.js';

export interface WaiverRecord {
  id: number;
  repositoryId: number;
  ruleId: string;
  reason: string;
  createdBy: string;
  expiresAt: string | null;
}

/** Unrevoked and unexpired waivers of one repository. */
export async function listActiveWaivers(
  q: Queryable,
  repositoryId: number,
): Promise<WaiverRecord[]> {
  const r = await q.query(
    `SELECT id, repository_id, rule_id, reason, created_by, expires_at FROM waivers
     WHERE repository_id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
     ORDER BY id`,
    [repositoryId],
  );
  return r.rows.map((row) => ({
    id: Number(row.id),
    repositoryId: Number(row.repository_id),
    ruleId: row.rule_id as string,
    reason: row.reason as string,
    createdBy: row.created_by as string,
    expiresAt: row.expires_at === null ? null : iso(row.expires_at),
  }));
}

export async function insertWaiver(
  q: Queryable,
  w: { repositoryId: number; ruleId: string; reason: string; createdBy: string; expiresAt?: Date },
): Promise<number> {
  const r = await q.query<{ id: string }>(
    `INSERT INTO waivers (repository_id, rule_id, reason, created_by, expires_at)
     VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [w.repositoryId, w.ruleId, w.reason, w.createdBy, w.expiresAt ?? null],
  );
  return Number(r.rows[0]!.id);
}
