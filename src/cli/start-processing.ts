/**
 * The background half of steering, shared by `serve` (in-process) and `worker` (scaled out):
 * the `distribute` worker for rollouts, the `scan` worker for webhook deliveries and scans, the
 * repeatable schedules (scan reconcile, measurements) and the reconcilers (start-reconcilers.ts).
 * Both workers share one queue driver (in-process without REDIS_URL, BullMQ with it) and one
 * GitHub port, so every content-creating request goes through the one write limiter.
 *
 * Nothing here waits for Redis: with Redis down at start the workers attach when it answers, and
 * the schedules kept in Redis are registered each time it answers again (a restart may have
 * emptied it). Reconciliation of the outbox runs on an in-process timer, not on those schedules.
 */
import type { Config } from '../config.js';
import { startSnapshotSchedule } from '../compliance/index.js';
import type { Closable } from '../http/index.js';
import { openRolloutRuntime, startDistributeWorker, type RolloutRuntime } from '../jobs/index.js';
import type { Logger } from '../log.js';
import {
  MEASURE_SCHEDULER_ID,
  createPrometheusClient,
  startMeasureRuntime,
  type MeasureRuntime,
} from '../measurements/index.js';
import { openScanRuntime, type ScanRuntime } from '../scans/index.js';
import { createQueueDriver, type QueueDriver } from '../queue/index.js';
import type { Db } from '../store/index.js';
import { startReconcilers } from './start-reconcilers.js';

export interface ProcessingOptions {
  /** Jobs in flight per queue. Default 4. */
  concurrency?: number;
  /** Seconds between GitHub reconciliations (0: only at start). Default config.resilience. */
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
  const driver = createQueueDriver(config, logger);
  const rollouts = openRolloutRuntime(config, { logger, driver });
  const scans = openScanRuntime(config, { logger, driver });
  const closables: Closable[] =
    options.workers === false
      ? []
      : await startWorkers({ config, db, logger, driver, rollouts, scans }, options);
  closables.push({ name: 'scan queue and workers', close: (force) => scans.close(force) });
  closables.push({ name: 'distribute queue', close: () => rollouts.close() });
  closables.push({ name: 'queue driver', close: () => driver.close() });
  return { rollouts, scans, driver, closables };
}

interface Runtimes {
  config: Config;
  db: Db;
  logger: Logger;
  driver: QueueDriver;
  rollouts: RolloutRuntime;
  scans: ScanRuntime;
}

async function startWorkers(rt: Runtimes, options: ProcessingOptions): Promise<Closable[]> {
  const { config, db, logger, driver, rollouts, scans } = rt;
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
  const closables: Closable[] = [];
  keepSchedules(rt, closables);
  closables.push(startSnapshotSchedule({ db, driver, logger }));
  const reconcilers = startReconcilers({
    ...rt,
    config: {
      ...config,
      resilience: {
        ...config.resilience,
        reconcileEverySeconds:
          options.reconcileEverySeconds ?? config.resilience.reconcileEverySeconds,
      },
    },
  });
  // Give the first registry sync a moment before the API takes publishes (a rollout made from an
  // empty registry has no targets); a slow or unreachable GitHub does not hold start-up longer.
  await Promise.race([
    reconcilers.first,
    new Promise((r) => setTimeout(r, options.firstSyncWaitMs ?? 10_000).unref()),
  ]);
  closables.push(reconcilers);
  closables.push({ name: 'distribute worker', close: (force) => distribute.close(force) });
  logger.info({ concurrency, queues: driver.description }, 'workers running: distribute, scan');
  return closables;
}

/**
 * Registers the repeatable jobs kept in Redis now (or when Redis first answers) and again after
 * every outage. The measurement schedule runs on BullMQ only.
 */
function keepSchedules(rt: Runtimes, closables: Closable[]): void {
  const { config, db, logger, driver, scans } = rt;
  const redisUrl = config.redis.url;
  const m = config.measurements;
  const every = m.prometheusEveryMinutes * 60_000;
  let measure: Promise<MeasureRuntime | undefined> | undefined;
  let closed = false;
  if (!redisUrl)
    logger.info(
      'measurement schedule (Prometheus evaluation, staleness) not started: it runs on BullMQ; set REDIS_URL',
    );
  // Started once Redis first answers (BullMQ queues made while it is down print every retry).
  const startMeasure = () =>
    startMeasureRuntime({
      db,
      logger,
      connection: { url: redisUrl!, maxRetriesPerRequest: null },
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
      async (runtime) => {
        runtime.queue.on('error', () => undefined); // the driver's watch reports outages
        if (!closed) return runtime;
        await runtime.close(); // started while shutting down: nothing may outlive the shutdown
        return undefined;
      },
      (err: Error) => {
        logger.warn({ err }, 'could not start the measurement schedule');
        return undefined;
      },
    );
  if (redisUrl)
    closables.unshift({
      name: 'measure queue and worker',
      // A start under way (Redis just answered) is awaited, unless the deadline forces the close.
      close: async (force?: boolean) => {
        closed = true;
        await (force ? await settledOrNothing(measure) : await measure)?.close();
      },
    });
  driver.onRecovery(async () => {
    await scans.scheduleReconcile();
    if (closed) return;
    if (redisUrl && !measure) measure = startMeasure();
    else {
      const runtime = await settledOrNothing(measure);
      await runtime?.queue.upsertJobScheduler(
        MEASURE_SCHEDULER_ID,
        { every },
        { name: 'measure', data: {} },
      );
    }
    logger.info('repeatable schedules registered');
  });
}

/** The runtime if it has started; undefined while it still waits for Redis. */
async function settledOrNothing<T>(p: Promise<T> | undefined): Promise<T | undefined> {
  if (!p) return undefined;
  return Promise.race([p, new Promise<undefined>((r) => setImmediate(() => r(undefined)))]);
}
