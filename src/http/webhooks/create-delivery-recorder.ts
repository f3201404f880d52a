/**
 * Group commit for the webhook intake. A delivery is written at once while fewer than
 * `maxInFlight` INSERTs are in flight (no timer, no added latency); deliveries that arrive while
 * all of them are busy wait for the next free one and share its INSERT (one transaction, one WAL
 * flush), so under load a delivery waits for one commit of its own, not for the batch ahead too.
 * Invariants:
 * - `record` resolves once the delivery's row is committed (`recorded`, or `duplicate` when the
 *   id was already there): a 202 means recorded durably, and nothing else is waited for. It
 *   rejects when its own row could not be written (a failed batch is retried row by row, so one
 *   bad payload fails only its own request).
 * - The queue is fed from committed rows after the answers: committed new deliveries are handed
 *   to the queue in one call while no other call is in flight, else they wait and share the next
 *   one (one `addBulk` in flight at a time). A delivery is never enqueued before its row is
 *   committed.
 * - The `enqueued_at` marker is written after the queue took the delivery: by the next batch's
 *   INSERT (the same statement) or, when no delivery is waiting, by one UPDATE. A row left
 *   without its marker (the process stopped first, the queue was unreachable or slow) is
 *   enqueued again by the reconcile job; the `delivery` job's id (the delivery id) and
 *   `processed_at` keep a delivery processed once.
 * - At most `maxInFlight` INSERTs are in flight; the enqueue overlaps the next INSERTs.
 */
import type { Logger } from '../../log.js';
import {
  markDeliveriesEnqueued,
  recordDeliveries,
  type Db,
  type NewDelivery,
} from '../../store/index.js';

export type RecordOutcome = 'recorded' | 'duplicate';

export interface DeliveryRecorder {
  record(delivery: NewDelivery): Promise<RecordOutcome>;
  /** Resolves once nothing is waiting, being written, left to enqueue or left to mark. */
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
  /**
   * Most INSERTs in flight at once (each holds a pool connection). Default 2: fewer, larger
   * batches cost less CPU per delivery (under load, PostgreSQL's CPU per delivery measured
   * 250–410 µs with 1 or 2 in flight, 330–610 µs with 4, 530–580 µs with 10; see
   * docs/benchmarks.md), and a second slot lets a delivery start while a batch commits.
   */
  maxInFlight?: number;
  /** Most deliveries in one enqueue call; that many waiting are enqueued at once. Default 1000. */
  maxEnqueue?: number;
  /**
   * How long committed deliveries wait for others to share their enqueue call, ms (nobody waits
   * for it: the answers are sent). Default 50.
   */
  feedWindowMs?: number;
}

export function createDeliveryRecorder(options: DeliveryRecorderOptions): DeliveryRecorder {
  return new GroupCommitRecorder(options);
}

/** The group-commit state machine: INSERTs answer; one enqueue at a time feeds the queue behind them. */
class GroupCommitRecorder implements DeliveryRecorder {
  private readonly maxBatch: number;
  private readonly maxInFlight: number;
  private readonly maxEnqueue: number;
  private readonly feedWindowMs: number;
  private feedTimer: NodeJS.Timeout | undefined;
  private pending: Waiter[] = [];
  /** Committed new deliveries not yet handed to the queue. */
  private committed: string[] = [];
  /** Enqueued deliveries whose `enqueued_at` is not written yet. */
  private unmarked: string[] = [];
  private writing = 0;
  private feeding = false;
  private marking = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: DeliveryRecorderOptions) {
    this.maxBatch = options.maxBatch ?? 200;
    this.maxInFlight = options.maxInFlight ?? 2;
    this.maxEnqueue = options.maxEnqueue ?? 1000;
    this.feedWindowMs = options.feedWindowMs ?? 50;
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
      this.feed(true); // nothing more to wait for: the window would only delay shutdown
      this.settleIdle();
    });
  }

  private settleIdle(): void {
    if (this.writing || this.feeding || this.marking) return;
    if (this.pending.length || this.committed.length || this.unmarked.length) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Answers each waiter once its row is committed; returns the new deliveries' ids. */
  private async insert(batch: Waiter[], marks: string[]): Promise<string[]> {
    let ids: Set<string>;
    try {
      ids = await recordDeliveries(
        this.options.db,
        batch.map((w) => w.delivery),
        marks,
      );
    } catch (err) {
      this.unmarked.push(...marks); // rolled back with the batch: a later statement carries them
      if (batch.length === 1) {
        batch[0]!.reject(err);
        return [];
      }
      const fresh: string[] = [];
      for (const w of batch) fresh.push(...(await this.insert([w], [])));
      return fresh;
    }
    const fresh: string[] = [];
    for (const w of batch) {
      // An id twice in one batch: the first is new, the second a duplicate.
      const isNew = ids.delete(w.delivery.id);
      if (isNew) fresh.push(w.delivery.id);
      w.resolve(isNew ? 'recorded' : 'duplicate');
    }
    return fresh;
  }

  /**
   * Hands the committed deliveries to the queue, one call at a time, after a window in which
   * others may join (a call's fixed cost dwarfs a job's); the rest wait for the next call.
   */
  private feed(now = false): void {
    if (this.feeding || !this.committed.length) return;
    const full = this.committed.length >= this.maxEnqueue;
    if (!now && !full && this.feedWindowMs > 0 && !this.idleWaiters.length) {
      this.feedTimer ??= setTimeout(() => {
        this.feedTimer = undefined;
        this.feed(true);
      }, this.feedWindowMs);
      return;
    }
    clearTimeout(this.feedTimer);
    this.feedTimer = undefined;
    this.feeding = true;
    const ids = this.committed.slice(0, this.maxEnqueue);
    this.committed = this.committed.slice(ids.length);
    void this.options
      .enqueue(ids)
      .catch(() => new Set<string>())
      .then((queued) => {
        const left = ids.filter((id) => !queued.has(id));
        if (left.length)
          this.options.logger.warn(
            { deliveries: left.length, first: left[0] },
            'deliveries recorded, queue unreachable: reconcile will enqueue them',
          );
        for (const id of ids) if (queued.has(id)) this.unmarked.push(id);
        this.feeding = false;
        this.feed();
        this.write();
      });
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

  /** The next batch's INSERT (carrying the marks so far); its answers, then the queue fed. */
  private writeBatch(): void {
    this.writing++;
    const batch = this.pending.slice(0, this.maxBatch);
    this.pending = this.pending.slice(batch.length);
    const marks = this.unmarked;
    this.unmarked = [];
    void this.insert(batch, marks).then((fresh) => {
      this.writing--;
      this.committed.push(...fresh);
      this.feed();
      this.write();
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
