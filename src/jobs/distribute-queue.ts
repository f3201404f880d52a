/**
 * The `distribute` queue (BullMQ): one job per rollout target, id `<rollout>-<repository>` so a
 * target is never queued twice (BullMQ refuses `:` in custom ids). Jobs carry ids only; the
 * target's state lives in PostgreSQL.
 */
import { Queue, type ConnectionOptions } from 'bullmq';

export const DISTRIBUTE_QUEUE = 'distribute';

export interface DistributeJobData {
  rolloutId: number;
  repositoryId: number;
}

export type DistributeQueue = Queue<DistributeJobData>;

export interface QueueOptions {
  connection: ConnectionOptions;
  /** Redis key prefix (config.redis.prefix). */
  prefix: string;
}

/** Retries of transient failures (5xx, timeouts, rate limits) before a target is `failed`. */
export const DISTRIBUTE_ATTEMPTS = 8;

export const distributeJobId = (rolloutId: number, repositoryId: number): string =>
  `${rolloutId}-${repositoryId}`;

export function createDistributeQueue(options: QueueOptions): DistributeQueue {
  return new Queue<DistributeJobData>(DISTRIBUTE_QUEUE, {
    connection: options.connection,
    prefix: options.prefix,
    defaultJobOptions: {
      attempts: DISTRIBUTE_ATTEMPTS,
      backoff: { type: 'steering' },
      removeOnComplete: { age: 7 * 24 * 3600 },
      removeOnFail: { age: 30 * 24 * 3600 },
    },
  });
}

export async function enqueueTargets(
  queue: DistributeQueue,
  targets: DistributeJobData[],
): Promise<void> {
  if (!targets.length) return;
  await queue.addBulk(
    targets.map((t) => ({
      name: 'distribute',
      data: t,
      opts: { jobId: distributeJobId(t.rolloutId, t.repositoryId) },
    })),
  );
}
