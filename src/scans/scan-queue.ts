/**
 * The `scan` queue (BullMQ). Three job kinds share it:
 * - `delivery` {deliveryId}: one per recorded webhook, id `delivery-<X-GitHub-Delivery>`; the
 *   payload stays in PostgreSQL, the job carries the id only.
 * - `scan` {repositoryId, sha, …}: id `scan-<repo>-<sha>-<versions>` where `<versions>` hashes the
 *   guideline versions to evaluate, so a second request for the same commit and versions is a
 *   no-op while a newly published or adopted version scans again. Forced rescans (rerequested
 *   check runs, stale scans) add a nonce.
 * - `reconcile`: the repeatable job (see reconcile-scans.ts).
 */
import { createHash } from 'node:crypto';
import { Queue, type ConnectionOptions } from 'bullmq';

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
export type ScanQueue = Queue<ScanQueueJob>;

export interface ScanQueueOptions {
  connection: ConnectionOptions;
  /** Redis key prefix (config.redis.prefix). */
  prefix: string;
}

export function createScanQueue(options: ScanQueueOptions): ScanQueue {
  return new Queue<ScanQueueJob>(SCAN_QUEUE, {
    connection: options.connection,
    prefix: options.prefix,
    defaultJobOptions: {
      attempts: SCAN_ATTEMPTS,
      backoff: { type: 'exponential', delay: 2000 },
      removeOnComplete: { age: 7 * 24 * 3600, count: 100_000 },
      removeOnFail: { age: 30 * 24 * 3600 },
    },
  });
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
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([enqueueDeliveries(queue, [id]).then(() => true as const), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
