/**
 * What `serve` and `worker` need for scans, built once from the config: the `scan` queue for the
 * worker side, a second queue handle for the webhook intake whose enqueue gives up quickly while
 * Redis is unreachable, the checks source (`<guidelinesDir>/<id>.checks.yaml`), and starters for
 * the worker and the repeatable reconcile job.
 */
import type { Worker } from 'bullmq';
import type { Config } from '../config.js';
import type { GitHubPort } from '../github/index.js';
import { silentLogger, type Logger } from '../log.js';
import type { Db } from '../store/index.js';
import { checksFromDirectory, type ChecksSource } from './load-guideline-checks.js';
import { scheduleScanReconcile } from './reconcile-scans.js';
import {
  createScanQueue,
  enqueueDeliveryWithin,
  type ScanQueue,
  type ScanQueueJob,
} from './scan-queue.js';
import { startScanWorker } from './start-scan-worker.js';

export interface ScanRuntime {
  queue: ScanQueue;
  checks: ChecksSource;
  /** For the webhook intake: true when enqueued, false after `enqueueTimeoutMs`. */
  enqueueDelivery(deliveryId: string): Promise<boolean>;
  startWorker(deps: { db: Db; github: GitHubPort; concurrency?: number }): Worker<ScanQueueJob>;
  /** Default every 5 minutes. */
  scheduleReconcile(everyMs?: number): Promise<void>;
  close(): Promise<void>;
}

export function openScanRuntime(
  config: Pick<Config, 'redis' | 'guidelinesDir' | 'scan'> & Partial<Pick<Config, 'compliance'>>,
  options: { logger?: Logger; enqueueTimeoutMs?: number } = {},
): ScanRuntime {
  const logger = options.logger ?? silentLogger;
  const connection = { url: config.redis.url, maxRetriesPerRequest: null };
  const queue = createScanQueue({ connection, prefix: config.redis.prefix });
  const intake = createScanQueue({
    connection: { url: config.redis.url, maxRetriesPerRequest: 1, enableOfflineQueue: false },
    prefix: config.redis.prefix,
  });
  intake.on('error', (err: Error) => logger.warn({ err }, 'scan intake queue error'));
  queue.on('error', (err: Error) => logger.warn({ err }, 'scan queue error'));
  const checks = checksFromDirectory(config.guidelinesDir);
  const workers: Worker<ScanQueueJob>[] = [];
  return {
    queue,
    checks,
    enqueueDelivery: (id) => enqueueDeliveryWithin(intake, id, options.enqueueTimeoutMs ?? 1000),
    startWorker(deps) {
      const w = startScanWorker({
        ...deps,
        queue,
        checks,
        connection,
        prefix: config.redis.prefix,
        rescanMaxAgeHours: config.scan.rescanMaxAgeHours,
        maxWaiverDays: config.compliance?.waiverMaxDays,
        logger,
      });
      workers.push(w);
      return w;
    },
    scheduleReconcile: (everyMs = 5 * 60_000) => scheduleScanReconcile(queue, everyMs),
    async close() {
      for (const w of workers) await w.close();
      await intake.close();
      await queue.close();
    },
  };
}
