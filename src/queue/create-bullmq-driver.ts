/**
 * The Redis queue driver (BullMQ): the scale-out mode. Any number of `steering worker` processes
 * share the queues under one key prefix; jobs survive a restart of every process.
 *
 * Redis down is a state, not an error: queues and workers made while it is unreachable wait and
 * reconnect on their own; their connection errors are left to one `watchRedis`, which logs the
 * loss and the recovery once each and runs the `onRecovery` handlers (schedules) when it is back.
 */
import type { JobsOptions, Queue, Worker } from 'bullmq';
import { silentLogger, type Logger } from '../log.js';
import { limitAttempt } from './limit-attempt.js';
import { loadBullmq } from './load-bullmq.js';
import { isConnectionError, watchRedis, type RedisWatch } from './watch-redis.js';
import type {
  JobQueue,
  JobWorker,
  Processor,
  QueueDefaults,
  QueueDriver,
  WorkerOptions,
} from './types.js';

export interface BullmqDriverOptions {
  url: string;
  /** Key prefix of every queue (config.redis.prefix). */
  prefix: string;
  logger?: Logger;
  /** Limit on one Redis command of the fail-fast handles and the readiness ping, ms. Default 5000. */
  commandTimeoutMs?: number;
  /** Limit on establishing a connection, ms. Default 5000. */
  connectTimeoutMs?: number;
  /** Default `WorkerOptions.timeoutMs` of every worker. Default 0 (none). */
  jobTimeoutMs?: number | undefined;
}

type Emitter = { on(event: 'error', fn: (err: Error) => void): unknown };

/**
 * Connection errors of queues and workers go to the watch (one line per outage); anything else
 * reaches the listeners added later (`queue.on('error', …)`), and a default line when there are none.
 */
function quiet<E extends Emitter>(emitter: E, logger: Logger, what: string): E {
  const on = emitter.on.bind(emitter) as (event: string, fn: (...args: unknown[]) => void) => E;
  let listeners = 0;
  on('error', (err) => {
    if (!isConnectionError(err) && listeners === 0) logger.warn({ err }, `${what} error`);
  });
  (emitter as { on: unknown }).on = (event: string, fn: (...args: unknown[]) => void) => {
    if (event !== 'error') return on(event, fn);
    listeners++;
    return on(event, (err) => {
      if (!isConnectionError(err)) fn(err);
    });
  };
  return emitter;
}

/** The URL without its password, for logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return 'redis';
  }
}

function jobOptions(d: QueueDefaults): JobsOptions {
  return {
    attempts: d.attempts,
    backoff:
      d.backoff.type === 'exponential'
        ? { type: 'exponential', delay: d.backoff.delayMs }
        : { type: 'steering' },
    removeOnComplete: {
      age: d.keepCompletedSeconds,
      ...(d.keepCompletedCount ? { count: d.keepCompletedCount } : {}),
    },
    removeOnFail: { age: d.keepFailedSeconds },
  };
}

/**
 * A processor as a BullMQ worker runs it: within the attempt's time limit, and with our
 * `UnrecoverableJobError` (named like BullMQ's, not its class) turned into BullMQ's own, so the job
 * fails at once.
 */
function bullmqProcessor<T>(processor: Processor<T>, timeoutMs: number, queue: string) {
  const limited = limitAttempt(processor, timeoutMs, queue);
  const { UnrecoverableError } = loadBullmq();
  return async (job: Parameters<typeof limited>[0]) => {
    try {
      return await limited(job);
    } catch (err) {
      if (
        (err as Error | undefined)?.name === 'UnrecoverableError' &&
        !(err instanceof UnrecoverableError)
      )
        throw new UnrecoverableError((err as Error).message);
      throw err;
    }
  };
}

/** BullMQ's worker settings from ours. */
function workerSettings(wo: WorkerOptions) {
  const backoff = wo.backoff;
  return {
    concurrency: wo.concurrency,
    ...(wo.lockDurationMs ? { lockDuration: wo.lockDurationMs } : {}),
    ...(wo.stalledIntervalMs ? { stalledInterval: wo.stalledIntervalMs } : {}),
    ...(backoff
      ? {
          settings: {
            backoffStrategy: (n: number, _t?: string, err?: Error) => backoff(n, err),
          },
        }
      : {}),
  };
}

export function createBullmqDriver(options: BullmqDriverOptions): QueueDriver {
  const { url, prefix } = options;
  const { Queue, Worker } = loadBullmq();
  const logger = (options.logger ?? silentLogger).child({ component: 'queue' });
  const connectTimeout = options.connectTimeoutMs ?? 5000;
  const connection = { url, maxRetriesPerRequest: null, connectTimeout };
  const queues = new Map<string, Queue>();
  const handles: Queue[] = [];
  const workers: Worker[] = [];
  let watch: RedisWatch | undefined;
  const watched = () =>
    (watch ??= watchRedis(url, {
      logger: options.logger,
      description: `Redis at ${redactUrl(url)}`,
      commandTimeoutMs: options.commandTimeoutMs,
      connectTimeoutMs: connectTimeout,
    }));
  /** A handle that fails at once while Redis is away (intake answers 503 instead of waiting). */
  const failFastQueue = (name: string, defaults: QueueDefaults): Queue => {
    const q = new Queue(name, {
      connection: {
        url,
        maxRetriesPerRequest: 1,
        enableOfflineQueue: false,
        connectTimeout,
        commandTimeout: options.commandTimeoutMs ?? 5000,
      },
      prefix,
      defaultJobOptions: jobOptions(defaults),
    });
    handles.push(quiet(q, logger, `queue ${name} (intake)`));
    return q;
  };
  return {
    kind: 'redis',
    description: `redis (${redactUrl(url)}, prefix ${prefix})`,
    queue<T>(name: string, defaults: QueueDefaults, o: { failFast?: boolean } = {}): JobQueue<T> {
      if (o.failFast) return failFastQueue(name, defaults);
      let q = queues.get(name);
      if (!q) {
        q = new Queue(name, { connection, prefix, defaultJobOptions: jobOptions(defaults) });
        queues.set(name, quiet(q, logger, `queue ${name}`));
      }
      return q;
    },
    worker<T>(queue: JobQueue<T>, processor: Processor<T>, wo: WorkerOptions): JobWorker {
      const timeoutMs = wo.timeoutMs ?? options.jobTimeoutMs ?? 0;
      const w = new Worker(queue.name, bullmqProcessor(processor, timeoutMs, queue.name), {
        connection,
        prefix,
        ...workerSettings(wo),
      });
      workers.push(quiet(w, logger, `worker ${queue.name}`));
      watched();
      return w;
    },
    ping: () => watched().ping(),
    onRecovery: (fn) => watched().onRecovery(fn),
    async close() {
      for (const w of workers) await w.close();
      for (const q of [...queues.values(), ...handles]) await q.close();
      watch?.close();
    },
  };
}
