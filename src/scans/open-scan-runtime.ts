/**
 * What `serve` and `worker` need for scans, built once from the config: the `scan` queue of the
 * queue driver for the worker side, a second queue handle for the webhook intake whose enqueue
 * gives up quickly while Redis is unreachable, the checks source (`<guidelinesDir>/<id>.checks.yaml`), and starters for
 * the worker and the repeatable reconcile job.
 */
import type { Config } from '../config.js';
import type { GitHubPort } from '../github/index.js';
import { silentLogger, type Logger } from '../log.js';
import { createQueueDriver, type JobWorker, type QueueDriver } from '../queue/index.js';
import type { Db } from '../store/index.js';
import { checksFromDirectory, type ChecksSource } from './load-guideline-checks.js';
import { scheduleScanReconcile } from './reconcile-scans.js';
import {
  createScanQueue,
  enqueueDeliveriesWithin,
  enqueueDeliveryWithin,
  type ScanQueue,
} from './scan-queue.js';
import { startScanWorker } from './start-scan-worker.js';

export interface ScanRuntime {
  queue: ScanQueue;
  checks: ChecksSource;
  /** For the webhook intake: true when enqueued, false after `enqueueTimeoutMs`. */
  enqueueDelivery(deliveryId: string): Promise<boolean>;
  /** For the webhook intake: a committed batch in one round trip; the ids enqueued (all or none). */
  enqueueDeliveries(deliveryIds: readonly string[]): Promise<ReadonlySet<string>>;
  startWorker(deps: { db: Db; github: GitHubPort; concurrency?: number }): JobWorker;
  /** Default every 5 minutes. */
  scheduleReconcile(everyMs?: number): Promise<void>;
  /** `force`: stop the workers at once; their active jobs go back to the queue (shutdown deadline). */
  close(force?: boolean): Promise<void>;
}

export function openScanRuntime(
  config: Pick<Config, 'redis' | 'guidelinesDir' | 'scan'> & Partial<Pick<Config, 'compliance'>>,
  options: { logger?: Logger; enqueueTimeoutMs?: number; driver?: QueueDriver } = {},
): ScanRuntime {
  const logger = options.logger ?? silentLogger;
  const driver = options.driver ?? createQueueDriver(config);
  const queue = createScanQueue(driver);
  const intake = createScanQueue(driver, { failFast: true });
  intake.on('error', (err: Error) => logger.warn({ err }, 'scan intake queue error'));
  queue.on('error', (err: Error) => logger.warn({ err }, 'scan queue error'));
  const checks = checksFromDirectory(config.guidelinesDir);
  const workers: JobWorker[] = [];
  return {
    queue,
    checks,
    enqueueDelivery: (id) => enqueueDeliveryWithin(intake, id, options.enqueueTimeoutMs ?? 1000),
    enqueueDeliveries: (ids) =>
      enqueueDeliveriesWithin(intake, ids, options.enqueueTimeoutMs ?? 1000),
    startWorker(deps) {
      const w = startScanWorker({
        ...deps,
        queue,
        checks,
        driver,
        rescanMaxAgeHours: config.scan.rescanMaxAgeHours,
        maxWaiverDays: config.compliance?.waiverMaxDays,
        logger,
      });
      workers.push(w);
      return w;
    },
    scheduleReconcile: (everyMs = 5 * 60_000) => scheduleScanReconcile(queue, everyMs),
    async close(force = false) {
      for (const w of workers) await w.close(force);
      await intake.close();
      await queue.close();
      if (!options.driver) await driver.close();
    },
  };
}
