// Redis down at intake: the delivery is recorded (202) but not enqueued; reconcile enqueues it
// once Redis is back and the scan completes. Reconcile also rescans a changed head and a
// never-scanned repository, and runs as a BullMQ repeatable job.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { silentLogger } from '../../src/log.js';
import {
  RECONCILE_SCHEDULER_ID,
  reconcileScans,
  scheduleScanReconcile,
} from '../../src/scans/index.js';
import { setRepositoryHead } from '../../src/store/index.js';
import { createWorld, fixtureFiles, waitUntil, type World } from './world.js';

describe('reconcile', () => {
  let w: World;
  let repo: { id: number; head: string };

  before(async () => {
    // The intake's queue points at a closed port: Redis is "down" for the webhook receiver only.
    w = await createWorld({ intakeRedisUrl: 'redis://127.0.0.1:1' });
    repo = await w.addRepo('catalog', fixtureFiles('java-micronaut'));
  });
  after(async () => {
    await w?.close();
  });

  it('records a delivery while Redis is down, enqueues it later, and the scan completes', async () => {
    const id = randomUUID();
    const res = await w.deliver('push', w.pushPayload('catalog', '0'.repeat(40), repo.head), {
      id,
    });
    assert.equal(res.status, 202);
    assert.equal(res.body.status, 'recorded');
    const row = await w.db.query(
      `SELECT enqueued_at FROM webhook_deliveries WHERE delivery_id = $1`,
      [id],
    );
    assert.equal(row.rows[0]!.enqueued_at, null);
    assert.equal(await w.queue.getJob(`delivery-${id}`), undefined);

    w.startWorker();
    const deps = { db: w.db, github: w.github, queue: w.queue, logger: silentLogger };
    const first = await reconcileScans(deps, { maxAgeHours: 24, graceMs: 0 });
    assert.equal(first.deliveries, 1);
    await waitUntil(
      'scan with check run',
      async () =>
        (await w.count(`scans WHERE sha = $1 AND check_run_id IS NOT NULL`, [repo.head])) > 0,
    );
    const after = await w.db.query(
      `SELECT enqueued_at, processed_at FROM webhook_deliveries WHERE delivery_id = $1`,
      [id],
    );
    assert.ok(after.rows[0]!.enqueued_at && after.rows[0]!.processed_at);
    assert.equal(w.sim.getRepo('acme', 'catalog').checkRuns.length, 1);
    // Nothing left behind: a second run enqueues nothing.
    const second = await reconcileScans(deps, { maxAgeHours: 24, graceMs: 0 });
    assert.deepEqual(second, { deliveries: 0, scans: 0 });
  });

  it('rescans a head that changed without a webhook and a repository never scanned', async () => {
    const sha = w.sim.pushCommit({
      owner: 'acme',
      repo: 'catalog',
      branch: 'main',
      files: { 'README.md': '# catalog v2\n' },
    });
    await setRepositoryHead(w.db, repo.id, sha);
    const fresh = await w.addRepo('quotes', fixtureFiles('trap-test-only-timeouts'));
    const deps = { db: w.db, github: w.github, queue: w.queue, logger: silentLogger };
    const r = await reconcileScans(deps, { maxAgeHours: 24, graceMs: 0 });
    assert.equal(r.scans, 2);
    await waitUntil(
      'both scanned',
      async () =>
        (await w.count(`scans WHERE (sha = $1 OR sha = $2) AND check_run_id IS NOT NULL`, [
          sha,
          fresh.head,
        ])) === 2,
    );
  });

  it('runs as a repeatable job and picks up rows left behind', async () => {
    const id = randomUUID();
    const sha = w.sim.pushCommit({
      owner: 'acme',
      repo: 'catalog',
      branch: 'main',
      files: { 'README.md': '# catalog v3\n' },
    });
    const res = await w.deliver('push', w.pushPayload('catalog', repo.head, sha), { id });
    assert.equal(res.body.status, 'recorded');
    await scheduleScanReconcile(w.queue, 200);
    const schedulers = await w.queue.getJobSchedulers();
    assert.deepEqual(
      schedulers.map((s) => s.key ?? s.id),
      [RECONCILE_SCHEDULER_ID],
    );
    await waitUntil(
      'delivery processed by the scheduled reconcile',
      async () =>
        (await w.count(`webhook_deliveries WHERE delivery_id = $1 AND processed_at IS NOT NULL`, [
          id,
        ])) === 1,
    );
    await waitUntil(
      'scan of the new head',
      async () => (await w.count(`scans WHERE sha = $1 AND check_run_id IS NOT NULL`, [sha])) > 0,
    );
    await w.queue.removeJobScheduler(RECONCILE_SCHEDULER_ID);
  });
});
