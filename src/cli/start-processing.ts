/**
 * The background half of steering, shared by `serve` (in-process) and `worker` (scaled out):
 * the `distribute` worker for rollouts, the `scan` worker for webhook deliveries and scans, the
 * repeatable scan reconcile, and a timer that syncs the repository registry from the App's
 * installations and re-enqueues rollout targets PostgreSQL still holds as queued (so a Redis that
 * lost its data, or an in-process queue after a restart, loses no work). Both workers share one
 * queue driver (in-process without REDIS_URL, BullMQ with it) and one GitHub port, so every
 * content-creating request goes through the one write limiter.
 */
import type { Config } from '../config.js';
import { syncRepositories } from '../fleet/index.js';
import type { Closable } from '../http/index.js';
import {
  openRolloutRuntime,
  reconcileRollouts,
  startDistributeWorker,
  type RolloutRuntime,
} from '../jobs/index.js';
import type { Logger } from '../log.js';
import { createPrometheusClient, startMeasureRuntime } from '../measurements/index.js';
import { openScanRuntime, type ScanRuntime } from '../scans/index.js';
import { createQueueDriver, type QueueDriver } from '../queue/index.js';
import type { Db } from '../store/index.js';

export interface ProcessingOptions {
  /** Jobs in flight per queue. Default 4. */
  concurrency?: number;
  /** Seconds between rollout reconciliations (0: only at start). Default 300. */
  reconcileEverySeconds?: number;
  /** How long start-up waits for the first registry sync before going on without it. Default 10 000. */
  firstSyncWaitMs?: number;
  /** Start the workers; false only opens the queues (for an API that enqueues). Default true. */
  workers?: boolean;
}

export interface Processing {
  rollouts: RolloutRuntime;
  scans: ScanRuntime;
  driver: QueueDriver;
  /** Workers first, then the queues; in shutdown order. */
  closables: Closable[];
}

export async function startProcessing(
  config: Config,
  db: Db,
  logger: Logger,
  options: ProcessingOptions = {},
): Promise<Processing> {
  const driver = createQueueDriver(config);
  const rollouts = openRolloutRuntime(config, { logger, driver });
  const scans = openScanRuntime(config, { logger, driver });
  const closables: Closable[] = [];
  if (options.workers !== false) {
    const concurrency = options.concurrency ?? 4;
    const distribute = startDistributeWorker({
      db,
      github: rollouts.github,
      queue: rollouts.queue,
      driver,
      logger,
      concurrency,
      prLabel: config.rollout.prLabel,
    });
    scans.startWorker({ db, github: rollouts.github, concurrency });
    await scans
      .scheduleReconcile()
      .catch((err: Error) =>
        logger.warn(
          { err },
          'could not schedule the scan reconcile (Redis down?); it is retried at the next start',
        ),
      );
    const reconcile = async () => {
      // The registry follows installation webhooks; a periodic sync also catches missed deliveries.
      if (config.github.auth.kind !== 'none') {
        try {
          const r = await syncRepositories(rollouts.github, db, config.rollout);
          logger.info(
            { installations: r.installations, repositories: r.seen, eligible: r.eligible },
            'synced the repository registry',
          );
        } catch (err) {
          logger.warn({ err }, 'repository sync failed; retrying at the next interval');
        }
      }
      try {
        const due = await reconcileRollouts(db, rollouts.queue);
        if (due) logger.info({ due }, 're-enqueued rollout targets from PostgreSQL');
      } catch (err) {
        logger.warn({ err }, 'rollout reconcile failed; retrying at the next interval');
      }
    };
    // Give the first registry sync a moment before the API takes publishes (a rollout made from an
    // empty registry has no targets); a slow or unreachable GitHub does not hold start-up longer.
    const first = reconcile();
    await Promise.race([
      first,
      new Promise((r) => setTimeout(r, options.firstSyncWaitMs ?? 10_000).unref()),
    ]);
    const every = options.reconcileEverySeconds ?? 300;
    const timer = every > 0 ? setInterval(() => void reconcile(), every * 1000) : undefined;
    timer?.unref();
    closables.push({ name: 'rollout reconcile', close: async () => timer && clearInterval(timer) });
    closables.push({ name: 'distribute worker', close: (force) => distribute.close(force) });
    // measured thresholds: Prometheus evaluation (when configured) and staleness, on a schedule
    const m = config.measurements;
    const redisUrl = config.redis.url;
    if (!redisUrl)
      logger.info(
        'measurement schedule (Prometheus evaluation, staleness) not started: it runs on BullMQ; set REDIS_URL',
      );
    else
      await startMeasureRuntime({
        db,
        logger,
        connection: { url: redisUrl, maxRetriesPerRequest: null },
        prefix: config.redis.prefix,
        everyMinutes: m.prometheusEveryMinutes,
        staleAfterDays: m.staleAfterDays,
        ...(m.prometheusUrl
          ? {
              client: createPrometheusClient({
                url: m.prometheusUrl,
                timeoutMs: m.prometheusTimeoutMs,
                minIntervalMs: m.prometheusMinIntervalMs,
              }),
            }
          : {}),
      }).then(
        (measure) =>
          closables.unshift({ name: 'measure queue and worker', close: () => measure.close() }),
        (err: Error) =>
          logger.warn(
            { err: err.message },
            'could not start the measurement schedule (Redis down?)',
          ),
      );
    logger.info({ concurrency, queues: driver.description }, 'workers running: distribute, scan');
  }
  closables.push({ name: 'scan queue and workers', close: (force) => scans.close(force) });
  closables.push({ name: 'distribute queue', close: () => rollouts.close() });
  closables.push({ name: 'queue driver', close: () => driver.close() });
  return { rollouts, scans, driver, closables };
}
