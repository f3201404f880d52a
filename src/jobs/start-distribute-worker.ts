/**
 * The distribute worker: a queue-driver worker over `distributeTarget`. Backoff honours the
 * `retryAfterSeconds` a rate-limited GitHub answer carried, else grows exponentially from
 * `backoffBaseMs` (default 60 s, capped at 15 min).
 */
import { SteeringError } from '../errors.js';
import type { GitHubPort } from '../github/index.js';
import { silentLogger, type Logger } from '../log.js';
import type { JobWorker, QueueDriver } from '../queue/index.js';
import type { Db } from '../store/index.js';
import {
  DISTRIBUTE_ATTEMPTS,
  enqueueTargets,
  type DistributeJobData,
  type DistributeQueue,
} from './distribute-queue.js';
import { distributeTarget } from './distribute-target.js';

export interface DistributeWorkerOptions {
  db: Db;
  github: GitHubPort;
  queue: DistributeQueue;
  driver: QueueDriver;
  logger?: Logger;
  /** Jobs in flight per process. Default 4 (writes are spaced by the shared limiter anyway). */
  concurrency?: number;
  /** Default 60 000. */
  backoffBaseMs?: number;
  /** BullMQ: a job whose lock is not renewed for this long is stalled and retried. Default 30 000. */
  lockDurationMs?: number;
  /** Default 30 000. */
  stalledIntervalMs?: number;
  /** The label of a new pull request (`Config.rollout.prLabel`). Default `steering`; empty: none. */
  prLabel?: string;
}

export function retryDelayMs(attemptsMade: number, err: unknown, baseMs: number): number {
  if (err instanceof SteeringError && err.code === 'RATE_LIMITED') {
    if (err.retryAfterMs !== undefined && err.retryAfterMs > 0) return err.retryAfterMs;
  }
  return Math.min(15 * 60_000, baseMs * 2 ** Math.max(0, attemptsMade - 1));
}

export function startDistributeWorker(options: DistributeWorkerOptions): JobWorker {
  const logger = (options.logger ?? silentLogger).child({ component: 'distribute' });
  const base = options.backoffBaseMs ?? 60_000;
  const deps = {
    db: options.db,
    github: options.github,
    logger,
    enqueue: (t: DistributeJobData[]) => enqueueTargets(options.queue, t),
    ...(options.prLabel === undefined ? {} : { prLabel: options.prLabel }),
  };
  const worker = options.driver.worker<DistributeJobData>(
    options.queue,
    async (job) =>
      distributeTarget(deps, job.data, {
        attempt: job.attemptsMade,
        maxAttempts: job.opts.attempts ?? DISTRIBUTE_ATTEMPTS,
      }),
    {
      concurrency: options.concurrency ?? 4,
      lockDurationMs: options.lockDurationMs ?? 30_000,
      stalledIntervalMs: options.stalledIntervalMs ?? 30_000,
      backoff: (attemptsMade, err) => retryDelayMs(attemptsMade, err, base),
    },
  );
  (worker as { on?: (e: string, fn: (err: Error) => void) => void }).on?.('error', (err) =>
    logger.error({ err }, 'distribute worker error'),
  );
  return worker;
}
