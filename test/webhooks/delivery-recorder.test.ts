// The intake's group commit against real PostgreSQL: one answer per delivery after its commit,
// without waiting for the queue; the queue fed from committed rows after the answers;
// redeliveries recorded once; the enqueued_at marker written once the queue took a delivery (by
// the next batch's INSERT or alone), and nothing marked that the queue did not take.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createDeliveryRecorder } from '../../src/http/webhooks/create-delivery-recorder.js';
import { silentLogger } from '../../src/log.js';
import type { NewDelivery } from '../../src/store/index.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

const delivery = (id = randomUUID(), payload = '{"ref":"refs/heads/main"}'): NewDelivery => ({
  id,
  event: 'push',
  action: null,
  repositoryId: 1,
  rawPayload: payload,
});

describe('delivery recorder (group commit)', { timeout: 60_000 }, () => {
  let t: TestDatabase;
  before(async () => {
    t = await createTestDatabase();
  });
  after(async () => {
    await t?.drop();
  });

  const rows = async (ids: string[]) =>
    (
      await t.db.query<{ delivery_id: string; enqueued: boolean }>(
        `SELECT delivery_id, enqueued_at IS NOT NULL AS enqueued FROM webhook_deliveries
         WHERE delivery_id = ANY($1) ORDER BY delivery_id`,
        [ids],
      )
    ).rows;

  it('answers each delivery once committed, without waiting for the queue, then feeds and marks it', async () => {
    const calls: string[][] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const recorder = createDeliveryRecorder({
      db: t.db,
      logger: silentLogger,
      enqueue: async (ids) => {
        calls.push([...ids]);
        // Every row handed to the queue is already committed.
        assert.equal((await rows([...ids])).length, ids.length);
        await held; // the queue answers only after every delivery was answered
        return new Set(ids);
      },
    });
    const ids = Array.from({ length: 30 }, () => randomUUID());
    const outcomes = await Promise.all([
      ...ids.map((id) => recorder.record(delivery(id))),
      recorder.record(delivery(ids[0])),
    ]);
    assert.equal(outcomes.filter((o) => o === 'recorded').length, 30);
    assert.equal(outcomes.filter((o) => o === 'duplicate').length, 1);
    // Answered before the queue took any of them: the rows are committed, not yet marked.
    assert.equal((await rows(ids)).length, 30);
    assert.ok((await rows(ids)).every((r) => !r.enqueued));
    release();
    await recorder.idle();
    assert.ok(calls.length < 30, `batched: ${calls.length} enqueue calls for 30 deliveries`);
    assert.deepEqual(calls.flat().sort(), [...ids].sort(), 'each new delivery enqueued once');
    const stored = await rows(ids);
    assert.equal(stored.length, 30);
    assert.ok(stored.every((r) => r.enqueued));
    // A redelivery after the batch is a duplicate and enqueues nothing.
    assert.equal(await recorder.record(delivery(ids[5])), 'duplicate');
    await recorder.idle();
    assert.equal(calls.flat().length, 30);
  });

  it('leaves unmarked what the queue did not take, and one bad payload fails only itself', async () => {
    const taken = new Set<string>();
    const recorder = createDeliveryRecorder({
      db: t.db,
      logger: silentLogger,
      enqueue: async (ids) => new Set(ids.filter((id) => taken.has(id))),
    });
    const good = [randomUUID(), randomUUID(), randomUUID()];
    taken.add(good[0]!);
    const bad = randomUUID();
    const outcomes = await Promise.allSettled([
      ...good.map((id) => recorder.record(delivery(id))),
      recorder.record(delivery(bad, '{"message":"NUL \\u0000 is not jsonb"}')),
    ]);
    assert.deepEqual(
      outcomes.slice(0, 3).map((o) => (o.status === 'fulfilled' ? o.value : 'rejected')),
      ['recorded', 'recorded', 'recorded'],
    );
    assert.equal(outcomes[3]!.status, 'rejected');
    await recorder.idle();
    assert.deepEqual(
      (await rows([...good, bad])).map((r) => [r.delivery_id, r.enqueued]),
      good
        .map((id) => [id, id === good[0]])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
  });

  it('an idle recorder resolves idle() at once', async () => {
    const recorder = createDeliveryRecorder({
      db: t.db,
      logger: silentLogger,
      enqueue: async (ids) => new Set(ids),
    });
    await recorder.idle();
  });
});
