/**
 * The daily compliance snapshot on a worker schedule: a repeatable `snapshot` job on the
 * `compliance` queue (in-process or BullMQ, whichever queue driver the workers use) rewrites
 * today's rows of `compliance_daily` every `everyMs` (default 10 minutes), so the last run of a day
 * is that day's point of the burndown. Reads (the history route, the dashboard) never write: at
 * fleet scale a snapshot aggregates every rule's status and takes seconds, which a request must
 * not wait for (nor hit the API's statement timeout with). The job runs under its own, longer,
 * statement timeout. With BullMQ the schedule is registered again whenever Redis answers after an
 * outage (a restarted Redis may be empty), and any number of worker processes share it.
 */
import type { Logger } from '../log.js';
import type { JobQueue, JobWorker, QueueDefaults, QueueDriver } from '../queue/index.js';
import type { Db } from '../store/index.js';
import { takeSnapshot } from './compliance-history.js';

export const SNAPSHOT_QUEUE = 'compliance';
export const SNAPSHOT_SCHEDULER_ID = 'compliance-snapshot';
/** Default time between two snapshots of the day. */
export const SNAPSHOT_EVERY_MS = 10 * 60_000;
/** Longest the snapshot statement may run in the worker. */
export const SNAPSHOT_TIMEOUT_MS = 5 * 60_000;

type SnapshotJobData = Record<string, never>;

const SNAPSHOT_DEFAULTS: QueueDefaults = {
  attempts: 3,
  backoff: { type: 'exponential', delayMs: 30_000 },
  keepCompletedSeconds: 24 * 3600,
  keepCompletedCount: 200,
  keepFailedSeconds: 7 * 24 * 3600,
};

export interface SnapshotScheduleOptions {
  db: Db;
  driver: QueueDriver;
  logger: Logger;
  /** Time between snapshots, ms. Default SNAPSHOT_EVERY_MS. */
  everyMs?: number;
  /** Statement timeout of one snapshot, ms. Default SNAPSHOT_TIMEOUT_MS. */
  timeoutMs?: number;
  /** Called after each snapshot with the rows written (tests await it). */
  onSnapshot?: (rows: number) => void;
}

export interface SnapshotSchedule {
  readonly name: string;
  readonly queue: JobQueue<SnapshotJobData>;
  /** Workers first (`force`: without waiting for a snapshot in hand), then the queue. */
  close(force?: boolean): Promise<void>;
}

/** Starts the worker of the `compliance` queue and keeps its repeatable snapshot job registered. */
export function startSnapshotSchedule(o: SnapshotScheduleOptions): SnapshotSchedule {
  const log = o.logger.child({ component: 'compliance-snapshot' });
  const everyMs = o.everyMs ?? SNAPSHOT_EVERY_MS;
  const timeoutMs = o.timeoutMs ?? SNAPSHOT_TIMEOUT_MS;
  const queue = o.driver.queue<SnapshotJobData>(SNAPSHOT_QUEUE, SNAPSHOT_DEFAULTS);
  queue.on('error', () => undefined); // the driver's watch reports outages
  const worker: JobWorker = o.driver.worker(
    queue,
    async () => {
      const started = Date.now();
      const rows = await takeSnapshot(o.db, new Date(), { timeoutMs });
      log.debug({ rows, ms: Date.now() - started }, 'compliance snapshot taken');
      o.onSnapshot?.(rows);
      return { rows };
    },
    { concurrency: 1, timeoutMs: timeoutMs + 60_000 },
  );
  o.driver.onRecovery(async () => {
    await queue.upsertJobScheduler(
      SNAPSHOT_SCHEDULER_ID,
      { every: everyMs },
      { name: 'snapshot', data: {} },
    );
  });
  return {
    name: 'compliance snapshot queue and worker',
    queue,
    async close(force = false) {
      await worker.close(force);
      await queue.close();
    },
  };
}
