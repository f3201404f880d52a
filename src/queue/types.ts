/**
 * The one queue interface the job processors use. Two drivers implement it: in-process (the
 * embedded default: no Redis, jobs in memory, PostgreSQL stays the truth) and BullMQ on Redis
 * (scale-out: any number of `steering worker` processes share the queues). The surface is the part
 * of BullMQ's Queue that steering uses, so a BullMQ Queue is a JobQueue as it is.
 */
export type JobState = 'waiting' | 'active' | 'delayed' | 'completed' | 'failed';

/** A job as a processor and a reader see it. `attemptsMade`: attempts before the current one. */
export interface QueuedJob<T> {
  id?: string | undefined;
  name: string;
  data: T;
  attemptsMade: number;
  opts: { attempts?: number };
  isCompleted(): Promise<boolean>;
  isFailed(): Promise<boolean>;
  remove(): Promise<void>;
}

export interface AddOptions {
  /** A job whose id is already in the queue (in any state) is not added again. */
  jobId?: string;
}

export interface JobScheduler {
  key?: string | null;
  id?: string | null;
  every?: number | null;
}

export interface JobQueue<T> {
  readonly name: string;
  add(name: string, data: T, opts?: AddOptions): Promise<unknown>;
  addBulk(jobs: Array<{ name: string; data: T; opts?: AddOptions }>): Promise<unknown>;
  getJob(id: string): Promise<QueuedJob<T> | undefined>;
  getJobs(states: JobState[]): Promise<Array<QueuedJob<T>>>;
  getJobCounts(...states: JobState[]): Promise<Record<string, number>>;
  /** Jobs waiting or delayed. */
  count(): Promise<number>;
  /** A job `template` added every `every` ms, the first at once. */
  upsertJobScheduler(
    id: string,
    repeat: { every: number },
    template: { name: string; data: T },
  ): Promise<unknown>;
  getJobSchedulers(): Promise<JobScheduler[]>;
  removeJobScheduler(id: string): Promise<unknown>;
  obliterate(opts?: { force?: boolean }): Promise<void>;
  on(event: 'error', listener: (err: Error) => void): unknown;
  close(): Promise<void>;
}

export type Processor<T> = (job: QueuedJob<T>) => Promise<unknown>;

export interface JobWorker {
  /** Takes no new jobs and waits for those in hand; `force`: does not wait. */
  close(force?: boolean): Promise<void>;
}

/** How a queue keeps and retries its jobs. */
export interface QueueDefaults {
  attempts: number;
  /** `custom`: the worker's `backoff` function decides. */
  backoff: { type: 'exponential'; delayMs: number } | { type: 'custom' };
  /** Finished jobs are kept this long (their ids stay taken: a re-add is a no-op). */
  keepCompletedSeconds: number;
  keepCompletedCount?: number;
  keepFailedSeconds: number;
}

export interface WorkerOptions {
  concurrency: number;
  /** For queues with `backoff: custom`: ms before retry `attemptsMade` (1 after the first failure). */
  backoff?: (attemptsMade: number, err: unknown) => number;
  /** BullMQ only: a job whose lock is not renewed this long is stalled and retried. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /**
   * Longest one attempt may run, ms (0: no limit). Past it the attempt fails as transient and is
   * retried with the queue's backoff; the work it had started finishes or fails on its own (every
   * processor is idempotent).
   */
  timeoutMs?: number;
}

export interface QueueDriver {
  readonly kind: 'in-process' | 'redis';
  /** For logs: `in-process` or `redis (redis://host:port, prefix steering)`. */
  readonly description: string;
  /** The queue of this name (one instance per name). `failFast`: a handle whose adds give up at once while the backend is unreachable. */
  queue<T>(name: string, defaults: QueueDefaults, options?: { failFast?: boolean }): JobQueue<T>;
  worker<T>(queue: JobQueue<T>, processor: Processor<T>, options: WorkerOptions): JobWorker;
  /** Resolves when the backend answers (readiness); fails fast while it is unreachable. */
  ping(): Promise<unknown>;
  /**
   * `fn` runs whenever the backend answers again after an outage (at start too, once it first
   * answers): where repeatable schedules are registered, since a restarted Redis may be empty.
   * The in-process driver runs `fn` once, at once.
   */
  onRecovery(fn: () => Promise<unknown> | void): void;
  /** Workers first, then queues. */
  close(): Promise<void>;
}

/** Thrown by a processor for a failure that no retry can fix: the job fails at once. */
export class UnrecoverableJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnrecoverableError';
  }
}
