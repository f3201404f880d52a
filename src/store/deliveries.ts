/**
 * Webhook deliveries: the outbox between the webhook intake and the `scan` queue. A delivery is
 * recorded (keyed by `X-GitHub-Delivery`, so a redelivery is a no-op) before it is enqueued;
 * `enqueued_at` is set only after the queue accepted it, so the reconcile job can find the rows
 * left behind while Redis was unreachable.
 */
import type { Queryable } from './db.js';
import { iso } from './to-iso.js';

export interface NewDelivery {
  id: string;
  event: string;
  action: string | null;
  repositoryId: number | null;
  /** The raw JSON body exactly as GitHub sent it (stored as jsonb). */
  rawPayload: string;
}

export interface DeliveryRecord {
  id: string;
  event: string;
  action: string | null;
  repositoryId: number | null;
  payload: Record<string, unknown>;
  receivedAt: string;
  enqueuedAt: string | null;
  processedAt: string | null;
  error: string | null;
}

function toDelivery(row: Record<string, unknown>): DeliveryRecord {
  return {
    id: row.delivery_id as string,
    event: row.event as string,
    action: (row.action as string | null) ?? null,
    repositoryId: row.repository_id === null ? null : Number(row.repository_id),
    payload: row.payload as Record<string, unknown>,
    receivedAt: iso(row.received_at),
    enqueuedAt: row.enqueued_at === null ? null : iso(row.enqueued_at),
    processedAt: row.processed_at === null ? null : iso(row.processed_at),
    error: (row.error as string | null) ?? null,
  };
}

/** Records a delivery; false when that delivery id was recorded before (a redelivery). */
export async function recordDelivery(q: Queryable, d: NewDelivery): Promise<boolean> {
  const r = await q.query(
    `INSERT INTO webhook_deliveries (delivery_id, event, action, repository_id, payload)
     VALUES ($1, $2, $3, $4, $5::jsonb) ON CONFLICT (delivery_id) DO NOTHING`,
    [d.id, d.event, d.action, d.repositoryId, d.rawPayload],
  );
  return r.rowCount === 1;
}

/**
 * Records several deliveries in one statement (one transaction, one WAL flush); returns the ids
 * that were new. A redelivery, or an id repeated within `ds`, is recorded once. One invalid
 * payload fails the whole statement: the caller retries the rows one by one. `markEnqueued`:
 * ids of earlier deliveries the queue has accepted since, whose `enqueued_at` is set by the same
 * statement (so the marker of one batch rides on the next batch's commit).
 */
export async function recordDeliveries(
  q: Queryable,
  ds: readonly NewDelivery[],
  markEnqueued: readonly string[] = [],
): Promise<Set<string>> {
  if (!ds.length) {
    await markDeliveriesEnqueued(q, markEnqueued);
    return new Set();
  }
  // One VALUES row of plain parameters per delivery: a payload is sent as it came, not escaped
  // into an array literal for PostgreSQL to parse again (measured slower for 7 KB payloads).
  const params: unknown[] = [markEnqueued];
  const rows = ds.map((d) => {
    const n = params.push(d.id, d.event, d.action, d.repositoryId, d.rawPayload);
    return `($${n - 4}, $${n - 3}, $${n - 2}, $${n - 1}, $${n}::jsonb)`;
  });
  const r = await q.query<{ delivery_id: string }>(
    `WITH marked AS (
       UPDATE webhook_deliveries SET enqueued_at = now()
       WHERE delivery_id = ANY($1::text[]) AND enqueued_at IS NULL
     )
     INSERT INTO webhook_deliveries (delivery_id, event, action, repository_id, payload)
     VALUES ${rows.join(', ')}
     ON CONFLICT (delivery_id) DO NOTHING RETURNING delivery_id`,
    params,
  );
  return new Set(r.rows.map((row) => row.delivery_id));
}

export async function markDeliveriesEnqueued(q: Queryable, ids: readonly string[]): Promise<void> {
  if (!ids.length) return;
  await q.query(
    `UPDATE webhook_deliveries SET enqueued_at = now()
     WHERE delivery_id = ANY($1::text[]) AND enqueued_at IS NULL`,
    [ids],
  );
}

export async function getDelivery(q: Queryable, id: string): Promise<DeliveryRecord | null> {
  const r = await q.query(
    `SELECT delivery_id, event, action, repository_id, payload, received_at, enqueued_at,
       processed_at, error
     FROM webhook_deliveries WHERE delivery_id = $1`,
    [id],
  );
  return r.rows[0] ? toDelivery(r.rows[0]) : null;
}

/** Recorded, never enqueued, and older than `olderThanMs` (so an intake in flight is left alone). */
export async function listUnenqueuedDeliveries(
  q: Queryable,
  options: { olderThanMs?: number; limit?: number } = {},
): Promise<string[]> {
  const r = await q.query<{ delivery_id: string }>(
    `SELECT delivery_id FROM webhook_deliveries
     WHERE enqueued_at IS NULL AND received_at < now() - make_interval(secs => $1::double precision / 1000)
     ORDER BY received_at LIMIT $2`,
    [options.olderThanMs ?? 5000, options.limit ?? 1000],
  );
  return r.rows.map((row) => row.delivery_id);
}

/** Processed (error null) or failed for good (error set). */
export async function finishDelivery(
  q: Queryable,
  id: string,
  error: string | null = null,
): Promise<void> {
  await q.query(
    `UPDATE webhook_deliveries SET processed_at = now(), error = $2,
       enqueued_at = coalesce(enqueued_at, now()) WHERE delivery_id = $1`,
    [id, error],
  );
}
