/**
 * The `distribute` queue (either queue driver): one job per rollout target, id
 * `<rollout>-<repository>` so a target is never queued twice (BullMQ refuses `:` in custom ids).
 * Jobs carry ids only; the target's state lives in PostgreSQL.
 */
import type { JobQueue, QueueDefaults, QueueDriver } from '../queue/index.js';

export const DISTRIBUTE_QUEUE = 'distribute';

export interface DistributeJobData {
  rolloutId: number;
  repositoryId: number;
}

export type DistributeQueue = JobQueue<DistributeJobData>;

/** Retries of transient failures (5xx, timeouts, rate limits) before a target is `failed`. */
export const DISTRIBUTE_ATTEMPTS = 8;

export const distributeJobId = (rolloutId: number, repositoryId: number): string =>
  `${rolloutId}-${repositoryId}`;

export const DISTRIBUTE_DEFAULTS: QueueDefaults = {
  attempts: DISTRIBUTE_ATTEMPTS,
  backoff: { type: 'custom' },
  keepCompletedSeconds: 7 * 24 * 3600,
  keepFailedSeconds: 30 * 24 * 3600,
};

export function createDistributeQueue(driver: QueueDriver): DistributeQueue {
  return driver.queue<DistributeJobData>(DISTRIBUTE_QUEUE, DISTRIBUTE_DEFAULTS);
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
