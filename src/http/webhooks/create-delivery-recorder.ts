/**
 * Group commit for the webhook intake. A delivery is written at once while fewer than
 * `maxInFlight` INSERTs are in flight (no timer, no added latency); deliveries that arrive while
 * all of them are busy wait for the next free one and share its INSERT (one transaction, one WAL
 * flush), so under load a delivery waits for one commit of its own, not for the batch ahead too.
 * Invariants:
 * - `record` resolves only after the delivery's row is committed (a 202 means recorded durably)
 *   and, for a new delivery, after the queue took it (`queued`) or gave up (`recorded`). It
 *   rejects when its own row could not be written (a failed batch is retried row by row, so one
 *   bad payload fails only its own request).
 * - A delivery is enqueued only after its row is committed; a batch is enqueued in one call.
 * - The `enqueued_at` marker is written after the answer: by the next batch's INSERT (the same
 *   statement) or, when no delivery is waiting, by one UPDATE. So an answer waits for one commit,
 *   not two. A row left without its marker (the process stopped first, or the queue was
 *   unreachable) is enqueued again by the reconcile job; the `delivery` job's id (the delivery
 *   id) and `processed_at` keep a delivery processed once.
 * - At most `maxInFlight` INSERTs are in flight; a batch's enqueue overlaps the next INSERTs.
 */
import type { Logger } from '../../log.js';
import {
  markDeliveriesEnqueued,
  recordDeliveries,
  type Db,
  type NewDelivery,
} from '../../store/index.js';

export type RecordOutcome = 'queued' | 'recorded' | 'duplicate';

export interface DeliveryRecorder {
  record(delivery: NewDelivery): Promise<RecordOutcome>;
  /** Resolves once nothing is waiting, being written, enqueued or left to mark. */
  idle(): Promise<void>;
}

interface Waiter {
  delivery: NewDelivery;
  resolve(outcome: RecordOutcome): void;
  reject(err: unknown): void;
}

export interface DeliveryRecorderOptions {
  db: Db;
  /**
   * Enqueues committed new deliveries, all at once; resolves to the ids the queue accepted (never
   * hangs, never rejects: an unreachable queue accepts none).
   */
  enqueue(deliveryIds: readonly string[]): Promise<ReadonlySet<string>>;
  logger: Logger;
  /** Most deliveries in one INSERT. Default 200. */
  maxBatch?: number;
  /** Most INSERTs in flight at once (each holds a pool connection). Default 4. */
  maxInFlight?: number;
}

export function createDeliveryRecorder(options: DeliveryRecorderOptions): DeliveryRecorder {
  return new GroupCommitRecorder(options);
}

/** The group-commit state machine: one INSERT in flight, the enqueue overlapping the next one. */
class GroupCommitRecorder implements DeliveryRecorder {
  private readonly maxBatch: number;
  private pending: Waiter[] = [];
  /** Enqueued deliveries whose `enqueued_at` is not written yet. */
  private unmarked: string[] = [];
  private readonly maxInFlight: number;
  private writing = 0;
  private feeding = 0;
  private marking = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: DeliveryRecorderOptions) {
    this.maxBatch = options.maxBatch ?? 200;
    this.maxInFlight = options.maxInFlight ?? 4;
  }

  record(delivery: NewDelivery): Promise<RecordOutcome> {
    return new Promise<RecordOutcome>((resolve, reject) => {
      this.pending.push({ delivery, resolve, reject });
      this.write();
    });
  }

  idle(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.idleWaiters.push(resolve);
      this.settleIdle();
    });
  }

  private settleIdle(): void {
    if (this.writing || this.feeding || this.marking) return;
    if (this.pending.length || this.unmarked.length) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Which waiters' deliveries are new; a failed multi-row INSERT is retried row by row. */
  private async insert(batch: Waiter[], marks: string[]): Promise<Map<Waiter, boolean>> {
    const fresh = new Map<Waiter, boolean>();
    let ids: Set<string>;
    try {
      ids = await recordDeliveries(
        this.options.db,
        batch.map((w) => w.delivery),
        marks,
      );
    } catch (err) {
      this.unmarked.push(...marks); // rolled back with the batch: a later statement carries them
      if (batch.length === 1) batch[0]!.reject(err);
      else for (const w of batch) for (const [k, v] of await this.insert([w], [])) fresh.set(k, v);
      return fresh;
    }
    // An id twice in one batch: the first is new, the second a duplicate.
    for (const w of batch) fresh.set(w, ids.delete(w.delivery.id));
    return fresh;
  }

  /** Enqueues the committed new deliveries in one call and answers every waiter. */
  private async feed(fresh: Map<Waiter, boolean>): Promise<void> {
    const news = [...fresh].filter(([, isNew]) => isNew).map(([w]) => w.delivery.id);
    const queued = news.length
      ? await this.options.enqueue(news).catch(() => new Set<string>())
      : new Set<string>();
    for (const [w, isNew] of fresh) {
      if (!isNew) w.resolve('duplicate');
      else if (queued.has(w.delivery.id)) w.resolve('queued');
      else {
        this.options.logger.warn(
          { delivery: w.delivery.id, event: w.delivery.event },
          'delivery recorded, queue unreachable: reconcile will enqueue it',
        );
        w.resolve('recorded');
      }
    }
    for (const id of news) if (queued.has(id)) this.unmarked.push(id);
  }

  private async mark(ids: string[]): Promise<void> {
    try {
      await markDeliveriesEnqueued(this.options.db, ids);
    } catch (err) {
      // The rows are committed and enqueued; reconcile enqueues them again (the job id dedupes).
      this.options.logger.warn(
        { err, deliveries: ids.length },
        'could not mark deliveries enqueued',
      );
    }
  }

  private write(): void {
    if (this.pending.length && this.writing < this.maxInFlight) this.writeBatch();
    else if (this.writing) return;
    else if (this.unmarked.length && !this.feeding) this.writeMarks();
    else this.settleIdle();
  }

  /** The next batch's INSERT (carrying the marks so far); then its enqueue, beside the next one. */
  private writeBatch(): void {
    this.writing++;
    const batch = this.pending.slice(0, this.maxBatch);
    this.pending = this.pending.slice(batch.length);
    const marks = this.unmarked;
    this.unmarked = [];
    void this.insert(batch, marks).then((fresh) => {
      this.writing--;
      this.feeding++;
      this.write();
      void this.feed(fresh).finally(() => {
        this.feeding--;
        this.write();
      });
    });
  }

  /** No delivery to carry the marker: write it alone, beside (not before) the next INSERT. */
  private writeMarks(): void {
    this.marking++;
    const marks = this.unmarked;
    this.unmarked = [];
    void this.mark(marks).finally(() => {
      this.marking--;
      this.settleIdle();
    });
  }
}
