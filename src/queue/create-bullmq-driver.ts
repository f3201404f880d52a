/**
 * The Redis queue driver (BullMQ): the scale-out mode. Any number of `steering worker` processes
 * share the queues under one key prefix; jobs survive a restart of every process.
 */
import { Queue, UnrecoverableError, Worker, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
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

export function createBullmqDriver(options: BullmqDriverOptions): QueueDriver {
  const { url, prefix } = options;
  const connection = { url, maxRetriesPerRequest: null };
  const queues = new Map<string, Queue>();
  const handles: Queue[] = [];
  const workers: Worker[] = [];
  let pinger: Redis | undefined;
  return {
    kind: 'redis',
    description: `redis (${redactUrl(url)}, prefix ${prefix})`,
    queue<T>(name: string, defaults: QueueDefaults, o: { failFast?: boolean } = {}): JobQueue<T> {
      if (o.failFast) {
        const q = new Queue(name, {
          connection: { url, maxRetriesPerRequest: 1, enableOfflineQueue: false },
          prefix,
          defaultJobOptions: jobOptions(defaults),
        });
        handles.push(q);
        return q;
      }
      let q = queues.get(name);
      if (!q) {
        q = new Queue(name, { connection, prefix, defaultJobOptions: jobOptions(defaults) });
        queues.set(name, q);
      }
      return q;
    },
    worker<T>(queue: JobQueue<T>, processor: Processor<T>, wo: WorkerOptions): JobWorker {
      const backoff = wo.backoff;
      const w = new Worker(
        queue.name,
        async (job) => {
          try {
            return await processor(job);
          } catch (err) {
            if (
              (err as Error | undefined)?.name === 'UnrecoverableError' &&
              !(err instanceof UnrecoverableError)
            )
              throw new UnrecoverableError((err as Error).message);
            throw err;
          }
        },
        {
          connection,
          prefix,
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
        },
      );
      workers.push(w);
      return w;
    },
    async ping() {
      pinger ??= new Redis(url, {
        lazyConnect: true,
        maxRetriesPerRequest: 1,
        enableOfflineQueue: false,
      });
      pinger.on('error', () => undefined);
      if (pinger.status === 'wait') await pinger.connect().catch(() => undefined);
      return pinger.ping();
    },
    async close() {
      for (const w of workers) await w.close();
      for (const q of [...queues.values(), ...handles]) await q.close();
      pinger?.disconnect();
    },
  };
}
