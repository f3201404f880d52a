/**
 * The in-process queue driver: the embedded default, no Redis. Jobs live in this process's memory
 * with BullMQ's semantics where steering relies on them: a job id is taken until the finished job
 * is dropped (so re-adding is a no-op), retries with backoff up to `attempts`, an
 * UnrecoverableJobError fails at once, schedulers add a job every `every` ms. What is lost when
 * the process stops is found again from PostgreSQL (rollout targets and webhook deliveries are
 * re-enqueued by the reconcilers at start).
 */
import type {
  AddOptions,
  JobQueue,
  JobScheduler,
  JobState,
  JobWorker,
  Processor,
  QueueDefaults,
  QueueDriver,
  QueuedJob,
  WorkerOptions,
} from './types.js';
import { limitAttempt } from './limit-attempt.js';

interface Entry<T> {
  id: string;
  name: string;
  data: T;
  state: JobState;
  attemptsMade: number;
  attempts: number;
  finishedAt?: number;
  timer?: NodeJS.Timeout;
}

const isUnrecoverable = (err: unknown) => (err as Error | undefined)?.name === 'UnrecoverableError';

class MemoryQueue<T> implements JobQueue<T> {
  readonly jobs = new Map<string, Entry<T>>();
  readonly waiting: string[] = [];
  readonly workers: Array<MemoryWorker<T>> = [];
  private readonly schedulers = new Map<string, { every: number; timer: NodeJS.Timeout }>();
  private readonly finished: string[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    readonly name: string,
    readonly defaults: QueueDefaults,
  ) {}

  async add(name: string, data: T, opts: AddOptions = {}): Promise<QueuedJob<T>> {
    const id = opts.jobId ?? String(this.nextId++);
    const existing = this.jobs.get(id);
    if (existing) return this.view(existing);
    const e: Entry<T> = {
      id,
      name,
      data,
      state: 'waiting',
      attemptsMade: 0,
      attempts: this.defaults.attempts,
    };
    this.jobs.set(id, e);
    this.waiting.push(id);
    this.pump();
    return this.view(e);
  }

  async addBulk(jobs: Array<{ name: string; data: T; opts?: AddOptions }>): Promise<unknown> {
    const out = [];
    for (const j of jobs) out.push(await this.add(j.name, j.data, j.opts));
    return out;
  }

  async getJob(id: string): Promise<QueuedJob<T> | undefined> {
    const e = this.jobs.get(id);
    return e && this.view(e);
  }

  async getJobs(states: JobState[]): Promise<Array<QueuedJob<T>>> {
    return [...this.jobs.values()].filter((e) => states.includes(e.state)).map((e) => this.view(e));
  }

  async getJobCounts(...states: JobState[]): Promise<Record<string, number>> {
    const counts: Record<string, number> = Object.fromEntries(states.map((s) => [s, 0]));
    for (const e of this.jobs.values()) if (e.state in counts) counts[e.state]!++;
    return counts;
  }

  async count(): Promise<number> {
    const c = await this.getJobCounts('waiting', 'delayed');
    return c.waiting! + c.delayed!;
  }

  async upsertJobScheduler(
    id: string,
    repeat: { every: number },
    template: { name: string; data: T },
  ): Promise<unknown> {
    await this.removeJobScheduler(id);
    const fire = () =>
      void this.add(template.name, template.data, { jobId: `repeat:${id}:${Date.now()}` });
    const timer = setInterval(fire, repeat.every);
    timer.unref();
    this.schedulers.set(id, { every: repeat.every, timer });
    fire();
    return undefined;
  }

  async getJobSchedulers(): Promise<JobScheduler[]> {
    return [...this.schedulers].map(([id, s]) => ({ key: id, id, every: s.every }));
  }

  async removeJobScheduler(id: string): Promise<unknown> {
    const s = this.schedulers.get(id);
    if (s) clearInterval(s.timer);
    return this.schedulers.delete(id);
  }

  async obliterate(): Promise<void> {
    for (const e of this.jobs.values()) clearTimeout(e.timer);
    for (const id of this.schedulers.keys()) await this.removeJobScheduler(id);
    this.jobs.clear();
    this.waiting.length = 0;
  }

  on(): this {
    return this;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const id of [...this.schedulers.keys()]) await this.removeJobScheduler(id);
    for (const e of this.jobs.values()) clearTimeout(e.timer);
  }

  private remove(id: string): void {
    const e = this.jobs.get(id);
    if (!e || e.state === 'active') return;
    clearTimeout(e.timer);
    this.jobs.delete(id);
    const i = this.waiting.indexOf(id);
    if (i >= 0) this.waiting.splice(i, 1);
  }

  private view(e: Entry<T>): QueuedJob<T> {
    return {
      id: e.id,
      name: e.name,
      data: e.data,
      attemptsMade: e.attemptsMade,
      opts: { attempts: e.attempts },
      isCompleted: async () => e.state === 'completed',
      isFailed: async () => e.state === 'failed',
      remove: async () => this.remove(e.id),
    };
  }

  /** Hands waiting jobs to workers with free slots. */
  pump(): void {
    if (this.closed) return;
    for (const w of this.workers) {
      while (w.hasRoom() && this.waiting.length) {
        const e = this.jobs.get(this.waiting.shift()!);
        if (!e || e.state !== 'waiting') continue;
        e.state = 'active';
        w.run(this.view(e), (err) => this.settle(e, w, err));
      }
    }
  }

  private settle(e: Entry<T>, w: MemoryWorker<T>, err: unknown): void {
    if (!this.jobs.has(e.id)) return;
    if (err === undefined) {
      this.finish(e, 'completed');
      return;
    }
    e.attemptsMade++;
    if (isUnrecoverable(err) || e.attemptsMade >= e.attempts) {
      this.finish(e, 'failed');
      return;
    }
    const b = this.defaults.backoff;
    const delay =
      b.type === 'exponential'
        ? b.delayMs * 2 ** (e.attemptsMade - 1)
        : (w.options.backoff?.(e.attemptsMade, err) ?? 0);
    e.state = 'delayed';
    e.timer = setTimeout(() => {
      e.state = 'waiting';
      this.waiting.push(e.id);
      this.pump();
    }, delay);
    e.timer.unref();
  }

  private finish(e: Entry<T>, state: 'completed' | 'failed'): void {
    e.state = state;
    e.finishedAt = Date.now();
    this.finished.push(e.id);
    // Finished jobs keep their id taken for a while, like BullMQ's removeOnComplete/removeOnFail.
    const max = this.defaults.keepCompletedCount ?? 10_000;
    while (this.finished.length > max) this.jobs.delete(this.finished.shift()!);
    const keepMs =
      1000 * Math.min(this.defaults.keepCompletedSeconds, this.defaults.keepFailedSeconds);
    while (this.finished.length) {
      const oldest = this.jobs.get(this.finished[0]!);
      if (oldest && (oldest.finishedAt ?? 0) > Date.now() - keepMs) break;
      this.finished.shift();
      if (oldest && oldest.state !== 'waiting' && oldest.state !== 'active')
        this.jobs.delete(oldest.id);
    }
  }
}

class MemoryWorker<T> implements JobWorker {
  private readonly inFlight = new Set<Promise<void>>();
  private closing = false;

  private readonly processor: Processor<T>;

  constructor(
    private readonly queue: MemoryQueue<T>,
    processor: Processor<T>,
    readonly options: WorkerOptions,
  ) {
    this.processor = limitAttempt(processor, options.timeoutMs ?? 0, queue.name);
  }

  hasRoom(): boolean {
    return !this.closing && this.inFlight.size < Math.max(1, this.options.concurrency);
  }

  run(job: QueuedJob<T>, done: (err: unknown) => void): void {
    const p: Promise<void> = this.process(job).then((failure) => {
      this.inFlight.delete(p);
      done(failure);
      this.queue.pump();
    });
    this.inFlight.add(p);
  }

  /** Resolves to the failure (undefined on success); never rejects. */
  private async process(job: QueuedJob<T>): Promise<unknown> {
    try {
      await this.processor(job);
      return undefined;
    } catch (err) {
      return err ?? new Error('job failed');
    }
  }

  /** Takes no new jobs, waits for the ones in hand (unless `force`). */
  async close(force = false): Promise<void> {
    this.closing = true;
    const i = this.queue.workers.indexOf(this);
    if (i >= 0) this.queue.workers.splice(i, 1);
    if (!force) await Promise.all([...this.inFlight]);
  }
}

export function createMemoryDriver(
  options: { jobTimeoutMs?: number | undefined } = {},
): QueueDriver {
  const queues = new Map<string, MemoryQueue<never>>();
  const workers: JobWorker[] = [];
  return {
    kind: 'in-process',
    description: 'in-process',
    queue<T>(name: string, defaults: QueueDefaults): JobQueue<T> {
      let q = queues.get(name) as MemoryQueue<T> | undefined;
      if (!q) {
        q = new MemoryQueue<T>(name, defaults);
        queues.set(name, q as unknown as MemoryQueue<never>);
      }
      return q;
    },
    worker<T>(queue: JobQueue<T>, processor: Processor<T>, wo: WorkerOptions): JobWorker {
      if (!(queue instanceof MemoryQueue))
        throw new Error(`queue ${queue.name} does not belong to the in-process driver`);
      const w = new MemoryWorker<T>(queue as MemoryQueue<T>, processor, {
        ...wo,
        timeoutMs: wo.timeoutMs ?? options.jobTimeoutMs ?? 0,
      });
      (queue as MemoryQueue<T>).workers.push(w);
      workers.push(w);
      (queue as MemoryQueue<T>).pump();
      return w;
    },
    ping: async () => 'PONG',
    onRecovery(fn) {
      void Promise.resolve()
        .then(fn)
        .catch(() => undefined);
    },
    async close() {
      for (const w of workers) await w.close();
      for (const q of queues.values()) await q.close();
    },
  };
}
