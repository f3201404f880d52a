/**
 * What the reconcilers ask PostgreSQL: webhook deliveries recorded but not processed (the outbox
 * backlog, whatever Redis remembers), which delivery ids are already recorded, and the steering
 * pull requests still open (whose merge a lost webhook may have hidden).
 */
import type { Queryable } from './db.js';

export interface BacklogOptions {
  /** Rows never enqueued are left this long to the intake recording them, ms. Default 5000. */
  unenqueuedGraceMs?: number;
  /** Rows enqueued but unprocessed are left this long to the queue, ms. Default 60000. */
  enqueuedGraceMs?: number;
  /** Default 1000. */
  limit?: number;
}

export interface BacklogRow {
  id: string;
  enqueued: boolean;
}

/** Unprocessed deliveries past their grace, oldest first. */
export async function listDeliveryBacklog(
  q: Queryable,
  options: BacklogOptions = {},
): Promise<BacklogRow[]> {
  const r = await q.query<{ delivery_id: string; enqueued: boolean }>(
    `SELECT delivery_id, enqueued_at IS NOT NULL AS enqueued FROM webhook_deliveries
     WHERE processed_at IS NULL
       AND received_at < now() - make_interval(secs => (CASE WHEN enqueued_at IS NULL
             THEN $1::double precision ELSE $2::double precision END) / 1000)
     ORDER BY received_at LIMIT $3`,
    [options.unenqueuedGraceMs ?? 5000, options.enqueuedGraceMs ?? 60_000, options.limit ?? 1000],
  );
  return r.rows.map((row) => ({ id: row.delivery_id, enqueued: row.enqueued }));
}

/** The ids among `ids` that are recorded (in any state). */
export async function recordedDeliveryIds(
  q: Queryable,
  ids: readonly string[],
): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const r = await q.query<{ delivery_id: string }>(
    `SELECT delivery_id FROM webhook_deliveries WHERE delivery_id = ANY($1::text[])`,
    [ids],
  );
  return new Set(r.rows.map((row) => row.delivery_id));
}

export interface OpenPullRequestTarget {
  repositoryId: number;
  owner: string;
  name: string;
  installationId: number;
  prNumber: number;
}

/** Rollout targets whose pull request steering opened or updated and saw no end of, oldest first. */
export async function listOpenPullRequestTargets(
  q: Queryable,
  options: { limit?: number } = {},
): Promise<OpenPullRequestTarget[]> {
  const r = await q.query<Record<string, unknown>>(
    `SELECT DISTINCT ON (t.repository_id, t.pr_number) t.repository_id, p.owner, p.name,
       coalesce(p.installation_id, 0) AS installation_id, t.pr_number
     FROM rollout_targets t JOIN repositories p ON p.id = t.repository_id AND p.deleted_at IS NULL
     WHERE t.state IN ('opened', 'updated', 'blocked') AND t.pr_number IS NOT NULL
     ORDER BY t.repository_id, t.pr_number
     LIMIT $1`,
    [options.limit ?? 500],
  );
  return r.rows.map((row) => ({
    repositoryId: Number(row.repository_id),
    owner: String(row.owner),
    name: String(row.name),
    installationId: Number(row.installation_id),
    prNumber: Number(row.pr_number),
  }));
}
