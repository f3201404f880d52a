/**
 * Group commit for the webhook intake. Deliveries that arrive while a batch is being written wait
 * for the next batch, so under load many share one INSERT (one transaction, one WAL flush), while
 * a lone delivery is written at once (no timer, no added latency).
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
 * - At most one INSERT is in flight; the enqueue of batch n overlaps the INSERT of n + 1.
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
}

export function createDeliveryRecorder(options: DeliveryRecorderOptions): DeliveryRecorder {
  const maxBatch = options.maxBatch ?? 200;
  let pending: Waiter[] = [];
  /** Enqueued deliveries whose `enqueued_at` is not written yet. */
  let unmarked: string[] = [];
  let writing = false;
  let feeding = 0;
  let marking = 0;
  let idleWaiters: (() => void)[] = [];

  function settleIdle(): void {
    if (writing || feeding || marking || pending.length || unmarked.length) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Which waiters' deliveries are new; a failed multi-row INSERT is retried row by row. */
  async function insert(batch: Waiter[], marks: string[]): Promise<Map<Waiter, boolean>> {
    const fresh = new Map<Waiter, boolean>();
    let ids: Set<string>;
    try {
      ids = await recordDeliveries(
        options.db,
        batch.map((w) => w.delivery),
        marks,
      );
    } catch (err) {
      unmarked.push(...marks); // rolled back with the batch: a later statement carries them
      if (batch.length === 1) batch[0]!.reject(err);
      else for (const w of batch) for (const [k, v] of await insert([w], [])) fresh.set(k, v);
      return fresh;
    }
    // An id twice in one batch: the first is new, the second a duplicate.
    for (const w of batch) fresh.set(w, ids.delete(w.delivery.id));
    return fresh;
  }

  /** Enqueues the committed new deliveries in one call and answers every waiter. */
  async function feed(fresh: Map<Waiter, boolean>): Promise<void> {
    const news = [...fresh].filter(([, isNew]) => isNew).map(([w]) => w.delivery.id);
    const queued = news.length
      ? await options.enqueue(news).catch(() => new Set<string>())
      : new Set<string>();
    for (const [w, isNew] of fresh) {
      if (!isNew) w.resolve('duplicate');
      else if (queued.has(w.delivery.id)) w.resolve('queued');
      else {
        options.logger.warn(
          { delivery: w.delivery.id, event: w.delivery.event },
          'delivery recorded, queue unreachable: reconcile will enqueue it',
        );
        w.resolve('recorded');
      }
    }
    for (const id of news) if (queued.has(id)) unmarked.push(id);
  }

  async function mark(ids: string[]): Promise<void> {
    try {
      await markDeliveriesEnqueued(options.db, ids);
    } catch (err) {
      // The rows are committed and enqueued; reconcile enqueues them again (the job id dedupes).
      options.logger.warn({ err, deliveries: ids.length }, 'could not mark deliveries enqueued');
    }
  }

  function write(): void {
    if (writing) return;
    if (pending.length) {
      writing = true;
      const batch = pending.slice(0, maxBatch);
      pending = pending.slice(batch.length);
      const marks = unmarked;
      unmarked = [];
      void insert(batch, marks).then((fresh) => {
        writing = false;
        feeding++;
        write();
        void feed(fresh).finally(() => {
          feeding--;
          write();
        });
      });
    } else if (unmarked.length && !feeding) {
      // No delivery to carry the marker: write it alone, beside (not before) the next INSERT.
      marking++;
      const marks = unmarked;
      unmarked = [];
      void mark(marks).finally(() => {
        marking--;
        settleIdle();
      });
    } else settleIdle();
  }

  return {
    record(delivery) {
      return new Promise<RecordOutcome>((resolve, reject) => {
        pending.push({ delivery, resolve, reject });
        write();
      });
    },
    idle() {
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        settleIdle();
      });
    },
  };
}
