/**
 * The `scan` queue (either queue driver). Three job kinds share it:
 * - `delivery` {deliveryId}: one per recorded webhook, id `delivery-<X-GitHub-Delivery>`; the
 *   payload stays in PostgreSQL, the job carries the id only.
 * - `scan` {repositoryId, sha, …}: id `scan-<repo>-<sha>-<versions>` where `<versions>` hashes the
 *   guideline versions to evaluate, so a second request for the same commit and versions is a
 *   no-op while a newly published or adopted version scans again. Forced rescans (rerequested
 *   check runs, stale scans) add a nonce.
 * - `reconcile`: the repeatable job (see reconcile-scans.ts).
 */
import { createHash } from 'node:crypto';
import type { JobQueue, QueueDefaults, QueueDriver } from '../queue/index.js';

export const SCAN_QUEUE = 'scan';
export const SCAN_ATTEMPTS = 6;

export interface DeliveryJobData {
  deliveryId: string;
}

export interface ScanJobData {
  repositoryId: number;
  sha: string;
  trigger: 'push' | 'merge' | 'rerequest' | 'reconcile' | 'manual';
  deliveryId?: string;
  /** Scan even when every version was already scanned at this commit. */
  force?: boolean;
}

export type ScanQueueJob = DeliveryJobData | ScanJobData | Record<string, never>;
export type ScanQueue = JobQueue<ScanQueueJob>;

export const SCAN_DEFAULTS: QueueDefaults = {
  attempts: SCAN_ATTEMPTS,
  backoff: { type: 'exponential', delayMs: 2000 },
  keepCompletedSeconds: 7 * 24 * 3600,
  keepCompletedCount: 100_000,
  keepFailedSeconds: 30 * 24 * 3600,
};

/** `failFast`: the webhook intake's handle, whose adds give up at once while Redis is down. */
export function createScanQueue(
  driver: QueueDriver,
  options: { failFast?: boolean } = {},
): ScanQueue {
  return driver.queue<ScanQueueJob>(SCAN_QUEUE, SCAN_DEFAULTS, options);
}

/** BullMQ refuses `:` in custom ids; GitHub delivery ids are UUIDs. */
export const deliveryJobId = (deliveryId: string): string => `delivery-${deliveryId}`;

/** `versions`: the `guideline@version` pairs the scan evaluates, in any order. */
export function scanJobId(data: ScanJobData, versions: readonly string[], nonce?: string): string {
  const key = createHash('sha256')
    .update([...versions].sort().join(','))
    .digest('hex')
    .slice(0, 12);
  return `scan-${data.repositoryId}-${data.sha}-${key}${nonce ? `-${nonce}` : ''}`;
}

export async function enqueueDeliveries(queue: ScanQueue, ids: readonly string[]): Promise<void> {
  if (!ids.length) return;
  await queue.addBulk(
    ids.map((id) => ({
      name: 'delivery',
      data: { deliveryId: id },
      opts: { jobId: deliveryJobId(id) },
    })),
  );
}

/**
 * `queue.add` waits for Redis forever while it is unreachable; the webhook intake must answer
 * anyway (the delivery is already recorded), so enqueueing gives up after `timeoutMs`.
 */
export async function enqueueDeliveryWithin(
  queue: ScanQueue,
  id: string,
  timeoutMs: number,
): Promise<boolean> {
  return (await enqueueDeliveriesWithin(queue, [id], timeoutMs)).has(id);
}

/**
 * A committed batch of deliveries in one `addBulk` (one round trip to Redis); resolves to the ids
 * the queue took: all of them, or none when it gave up after `timeoutMs` or failed.
 */
export async function enqueueDeliveriesWithin(
  queue: ScanQueue,
  ids: readonly string[],
  timeoutMs: number,
): Promise<ReadonlySet<string>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    const added = await Promise.race([
      enqueueDeliveries(queue, ids).then(() => true as const),
      timeout,
    ]);
    return added ? new Set(ids) : new Set();
  } catch {
    return new Set();
  } finally {
    clearTimeout(timer);
  }
}
