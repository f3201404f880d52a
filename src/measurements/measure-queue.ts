/**
 * The BullMQ queue `measure` and its repeatable job: every `everyMinutes`, each repository with
 * compliance statuses is evaluated against Prometheus (when one is configured) and its measured
 * statuses refreshed, so a figure turns `stale` as it ages even when nothing else happens. One job
 * at a time: with the client's per-URL spacing that is the per-Prometheus rate limit.
 */
import type { Queue } from 'bullmq';
import type { Logger } from '../log.js';
import { isConnectionError, loadBullmq } from '../queue/index.js';
import type { Db } from '../store/index.js';
import { evaluatePrometheus } from './evaluate-prometheus.js';
import type { PrometheusClient } from './query-prometheus.js';
import { refreshMeasuredStatus } from './refresh-measured-status.js';

export const MEASURE_QUEUE = 'measure';
export const MEASURE_SCHEDULER_ID = 'measure-every';

interface Connection {
  url: string;
  maxRetriesPerRequest: null;
}

export interface MeasureRuntimeOptions {
  db: Db;
  logger: Logger;
  connection: Connection;
  prefix: string;
  /** Unset: no live evaluation, only the staleness refresh. */
  client?: PrometheusClient;
  everyMinutes: number;
  staleAfterDays?: number;
}

export interface MeasureRuntime {
  queue: Queue;
  /** Evaluates every repository now (what the repeatable job runs). */
  runOnce(): Promise<{ repositories: number; outages: number }>;
  close(): Promise<void>;
}

export async function startMeasureRuntime(o: MeasureRuntimeOptions): Promise<MeasureRuntime> {
  const { Queue, Worker } = loadBullmq();
  const queue = new Queue(MEASURE_QUEUE, {
    connection: o.connection,
    prefix: o.prefix,
    defaultJobOptions: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
  });
  const log = o.logger.child({ component: 'measure' });
  const runOnce = async () => {
    const r = await o.db.query<{ repository_id: string }>(
      `SELECT DISTINCT rs.repository_id FROM rule_status rs
       JOIN repositories r ON r.id = rs.repository_id AND r.deleted_at IS NULL ORDER BY 1`,
    );
    let outages = 0;
    for (const row of r.rows) {
      const id = Number(row.repository_id);
      if (o.client) {
        const result = await evaluatePrometheus(
          {
            db: o.db,
            client: o.client,
            logger: log,
            ...(o.staleAfterDays ? { staleAfterDays: o.staleAfterDays } : {}),
          },
          id,
        );
        if (result.outage) outages++;
      } else {
        await o.db.transaction((tx) =>
          refreshMeasuredStatus(tx, id, {
            now: new Date(),
            ...(o.staleAfterDays ? { staleAfterDays: o.staleAfterDays } : {}),
          }),
        );
      }
    }
    return { repositories: r.rows.length, outages };
  };
  const worker = new Worker(MEASURE_QUEUE, async () => runOnce(), {
    connection: o.connection,
    prefix: o.prefix,
    concurrency: 1,
  });
  // Without a listener BullMQ prints each connection error raw; the queue driver's watch
  // reports a Redis outage once, so only other errors are logged here.
  worker.on('error', (err) => {
    if (!isConnectionError(err)) log.warn({ err }, 'measurement worker error');
  });
  worker.on('failed', (job, err) =>
    log.warn({ jobId: job?.id, err: err.message }, 'measurement run failed'),
  );
  await queue.upsertJobScheduler(
    MEASURE_SCHEDULER_ID,
    { every: o.everyMinutes * 60_000 },
    { name: 'measure', data: {} },
  );
  return {
    queue,
    runOnce,
    async close() {
      await worker.close();
      await queue.close();
    },
  };
}
