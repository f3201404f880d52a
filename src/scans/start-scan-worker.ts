/**
 * The scan worker: one queue-driver worker over the `scan` queue, dispatching on the job name
 * (`delivery`, `scan`, `reconcile`). Permanent failures (invalid checks file, a guideline
 * version missing, GitHub 404/403) throw UnrecoverableJobError; transient ones retry with backoff.
 */
import { describeError } from '../errors.js';
import type { GitHubPort } from '../github/index.js';
import { silentLogger, type Logger } from '../log.js';
import { UnrecoverableJobError, type JobWorker, type QueueDriver } from '../queue/index.js';
import { finishDelivery, type Db } from '../store/index.js';
import { enqueueScan } from './enqueue-scan.js';
import { handleDelivery } from './handle-delivery.js';
import type { ChecksSource } from './load-guideline-checks.js';
import { reconcileScans } from './reconcile-scans.js';
import {
  type DeliveryJobData,
  type ScanJobData,
  type ScanQueue,
  type ScanQueueJob,
} from './scan-queue.js';
import { scanRepository } from './scan-repository.js';

export interface ScanWorkerOptions {
  db: Db;
  github: GitHubPort;
  queue: ScanQueue;
  checks: ChecksSource;
  driver: QueueDriver;
  /** config.scan.rescanMaxAgeHours. */
  rescanMaxAgeHours: number;
  logger?: Logger;
  /** Jobs in flight per process. Default 4. */
  concurrency?: number;
  /** Reconcile's grace for fresh outbox rows. Default 5000 ms. */
  reconcileGraceMs?: number;
  /** Longest waiver `.steering/waivers.yaml` may grant (config.compliance.waiverMaxDays). Default 180. */
  maxWaiverDays?: number;
}

export function startScanWorker(options: ScanWorkerOptions): JobWorker {
  const logger = (options.logger ?? silentLogger).child({ component: 'scan' });
  const { db, github, queue } = options;
  const worker = options.driver.worker<ScanQueueJob>(
    queue,
    async (job) => {
      try {
        switch (job.name) {
          case 'delivery':
            return await handleDelivery(
              {
                db,
                github,
                logger,
                enqueueScan: (data, nonce) => enqueueScan(db, queue, data, nonce),
              },
              (job.data as DeliveryJobData).deliveryId,
            );
          case 'scan':
            return await scanRepository(
              { db, github, checks: options.checks, logger, maxWaiverDays: options.maxWaiverDays },
              job.data as ScanJobData,
            );
          case 'reconcile':
            return await reconcileScans(
              { db, github, queue, logger },
              { maxAgeHours: options.rescanMaxAgeHours, graceMs: options.reconcileGraceMs },
            );
          default:
            throw new UnrecoverableJobError(`unknown job ${job.name}`);
        }
      } catch (err) {
        const d = describeError(err);
        logger[d.level]({ jobId: job.id, name: job.name, code: d.code, err }, 'scan job failed');
        const final =
          (!d.retry && d.code !== 'INTERNAL') || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        if (final && job.name === 'delivery')
          await finishDelivery(
            db,
            (job.data as DeliveryJobData).deliveryId,
            `${d.code}: ${(err as Error).message}`,
          ).catch(() => undefined);
        if (!d.retry && d.code !== 'INTERNAL')
          throw new UnrecoverableJobError((err as Error).message);
        throw err;
      }
    },
    { concurrency: options.concurrency ?? 4 },
  );
  (worker as { on?: (e: string, fn: (err: Error) => void) => void }).on?.('error', (err) =>
    logger.error({ err }, 'scan worker error'),
  );
  return worker;
}
