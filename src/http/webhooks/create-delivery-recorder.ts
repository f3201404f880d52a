/**
 * Group commit for the webhook intake. Deliveries that arrive while a batch is being written wait
 * for the next batch, so under load many share one INSERT (one transaction, one WAL flush) and one
 * `UPDATE enqueued_at`, while a lone delivery is written at once (no timer, no added latency).
 * Invariants:
 * - `record` resolves only after the delivery's row is committed (a 202 means recorded durably);
 *   it rejects when its own row could not be written (a failed batch is retried row by row, so
 *   one bad payload fails only its own request).
 * - A delivery is enqueued only after its row is committed, and `enqueued_at` is set only for
 *   those the queue accepted: the reconcile job enqueues the rest later (the outbox), and the
 *   `scan` job's key (the delivery id) and `processed_at` keep a delivery processed once.
 * - At most one INSERT is in flight; the enqueue and marker of batch n overlap the INSERT of n + 1.
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
}

interface Waiter {
  delivery: NewDelivery;
  resolve(outcome: RecordOutcome): void;
  reject(err: unknown): void;
}

export interface DeliveryRecorderOptions {
  db: Db;
  /** Resolves false (never hangs) when the queue is unreachable. */
  enqueue(deliveryId: string): Promise<boolean>;
  logger: Logger;
  /** Most deliveries in one INSERT. Default 200. */
  maxBatch?: number;
}

export function createDeliveryRecorder(options: DeliveryRecorderOptions): DeliveryRecorder {
  const maxBatch = options.maxBatch ?? 200;
  let pending: Waiter[] = [];
  let writing = false;

  /** The new ids of `batch`; a failed multi-row INSERT is retried row by row. */
  async function insert(batch: Waiter[]): Promise<Map<Waiter, boolean>> {
    const fresh = new Map<Waiter, boolean>();
    try {
      const ids = await recordDeliveries(
        options.db,
        batch.map((w) => w.delivery),
      );
      const seen = new Set<string>();
      for (const w of batch) {
        fresh.set(w, ids.has(w.delivery.id) && !seen.has(w.delivery.id));
        seen.add(w.delivery.id);
      }
    } catch (err) {
      if (batch.length === 1) {
        batch[0]!.reject(err);
        return fresh;
      }
      for (const w of batch) for (const [k, v] of await insert([w])) fresh.set(k, v);
    }
    return fresh;
  }

  /** Enqueues the committed new deliveries, marks those the queue took, answers every waiter. */
  async function feed(fresh: Map<Waiter, boolean>): Promise<void> {
    const news = [...fresh].filter(([, isNew]) => isNew).map(([w]) => w);
    const accepted = await Promise.all(news.map((w) => options.enqueue(w.delivery.id)));
    const queued = news.filter((_, i) => accepted[i]).map((w) => w.delivery.id);
    const isQueued = new Set(queued);
    try {
      await markDeliveriesEnqueued(options.db, queued);
    } catch (err) {
      // The rows are committed and enqueued; reconcile re-enqueues them (the job key dedupes).
      options.logger.warn({ err, deliveries: queued.length }, 'could not mark deliveries enqueued');
    }
    for (const [w, isNew] of fresh) {
      if (!isNew) w.resolve('duplicate');
      else if (isQueued.has(w.delivery.id)) w.resolve('queued');
      else {
        options.logger.warn(
          { delivery: w.delivery.id, event: w.delivery.event },
          'delivery recorded, queue unreachable: reconcile will enqueue it',
        );
        w.resolve('recorded');
      }
    }
  }

  function write(): void {
    if (writing || !pending.length) return;
    writing = true;
    const batch = pending.slice(0, maxBatch);
    pending = pending.slice(batch.length);
    void insert(batch).then((fresh) => {
      writing = false;
      write();
      return feed(fresh).catch((err: unknown) => {
        for (const w of fresh.keys()) w.reject(err);
      });
    });
  }

  return {
    record(delivery) {
      return new Promise<RecordOutcome>((resolve, reject) => {
        pending.push({ delivery, resolve, reject });
        write();
      });
    },
  };
}
