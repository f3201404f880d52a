// POST /webhooks/github: signature on the raw body (with secret rotation), content type, JSON,
// unknown events, real example payloads of every handled event, redelivery.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createApp, webhookIntakeIdle } from '../../src/http/index.js';
import { silentLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics.js';
import { HANDLED_EVENTS, classifyDelivery } from '../../src/scans/index.js';
import { createWorld, examples, sign, SECRET, type World } from '../scans/world.js';

describe('webhook intake', { timeout: 60_000 }, () => {
  let w: World;
  let pushBody: string;

  before(async () => {
    w = await createWorld();
    const repo = await w.addRepo('billing', { 'README.md': '# billing\n' });
    pushBody = JSON.stringify(w.pushPayload('billing', '0'.repeat(40), repo.head));
  });
  after(async () => {
    await w?.close();
  });

  it('rejects a missing or invalid signature with 401 and stores nothing', async () => {
    const base = () =>
      request(w.app)
        .post('/webhooks/github')
        .set('content-type', 'application/json')
        .set('x-github-event', 'push')
        .set('x-github-delivery', randomUUID());
    const missing = await base().send(pushBody);
    assert.equal(missing.status, 401);
    assert.equal(missing.type, 'application/problem+json');
    const wrong = await base()
      .set('x-hub-signature-256', sign(pushBody, 'not-the-secret'))
      .send(pushBody);
    assert.equal(wrong.status, 401);
    const tampered = await base()
      .set('x-hub-signature-256', sign(pushBody))
      .send(pushBody.replace('"billing"', '"billinh"'));
    assert.equal(tampered.status, 401);
    // Signature over the parsed-and-reserialised JSON instead of the raw bytes does not verify.
    const spaced = JSON.stringify(JSON.parse(pushBody), null, 2);
    const reserialised = await base().set('x-hub-signature-256', sign(pushBody)).send(spaced);
    assert.equal(reserialised.status, 401);
    assert.equal(await w.count('webhook_deliveries'), 0);
  });

  it('accepts the previous secret until its window closes', async () => {
    const make = (until: Date) =>
      createApp({
        db: w.db,
        logger: silentLogger,
        metrics: createMetrics({ processMetrics: false }),
        webhooks: {
          secret: 'new-secret',
          previousSecret: { secret: SECRET, until },
          enqueue: async () => false,
        },
      });
    const post = (app: ReturnType<typeof make>, secret: string) =>
      request(app)
        .post('/webhooks/github')
        .set('content-type', 'application/json')
        .set('x-github-event', 'push')
        .set('x-github-delivery', randomUUID())
        .set('x-hub-signature-256', sign(pushBody, secret))
        .send(pushBody);
    const open = make(new Date(Date.now() + 3600_000));
    assert.equal((await post(open, SECRET)).status, 202);
    assert.equal((await post(open, 'new-secret')).status, 202);
    const closed = make(new Date(Date.now() - 1000));
    assert.equal((await post(closed, SECRET)).status, 401);
    assert.equal((await post(closed, 'new-secret')).status, 202);
    await w.db.query('DELETE FROM webhook_deliveries');
  });

  it('answers 202 recorded once the row is committed, without waiting for the queue', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const handed: string[] = [];
    const app = createApp({
      db: w.db,
      logger: silentLogger,
      metrics: createMetrics({ processMetrics: false }),
      webhooks: {
        secret: SECRET,
        enqueue: async () => false,
        enqueueMany: async (ids) => {
          handed.push(...ids);
          await held; // a queue that does not answer (yet)
          return new Set(ids);
        },
      },
    });
    const id = randomUUID();
    const res = await request(app)
      .post('/webhooks/github')
      .set('content-type', 'application/json')
      .set('x-github-event', 'push')
      .set('x-github-delivery', id)
      .set('x-hub-signature-256', sign(pushBody))
      .send(pushBody);
    assert.equal(res.status, 202);
    assert.deepEqual(res.body, { delivery: id, status: 'recorded' });
    assert.equal(await w.count('webhook_deliveries WHERE delivery_id = $1', [id]), 1);
    const idle = webhookIntakeIdle(app);
    release();
    await idle;
    assert.deepEqual(handed, [id]);
    assert.equal(
      await w.count('webhook_deliveries WHERE delivery_id = $1 AND enqueued_at IS NOT NULL', [id]),
      1,
    );
    await w.db.query('DELETE FROM webhook_deliveries');
  });

  it('answers 415 for a wrong content type and 400 for malformed JSON, storing nothing', async () => {
    const form = `payload=${encodeURIComponent(pushBody)}`;
    const r415 = await w.deliver('push', null, {
      raw: form,
      contentType: 'application/x-www-form-urlencoded',
    });
    assert.equal(r415.status, 415);
    const r400 = await w.deliver('push', null, { raw: '{"ref": "refs/heads/main", ' });
    assert.equal(r400.status, 400);
    const noDelivery = await request(w.app)
      .post('/webhooks/github')
      .set('content-type', 'application/json')
      .set('x-github-event', 'push')
      .set('x-hub-signature-256', sign(pushBody))
      .send(pushBody);
    assert.equal(noDelivery.status, 400);
    assert.equal(await w.count('webhook_deliveries'), 0);
  });

  it('answers 202 to unknown events and ignores them', async () => {
    const res = await w.deliver('star', { action: 'created', repository: { id: 1 } });
    assert.equal(res.status, 202);
    assert.equal(res.body.status, 'ignored');
    assert.equal(await w.count('webhook_deliveries'), 0);
  });

  it('records the real example payloads of every handled event it acts on', async () => {
    let recorded = 0;
    for (const event of HANDLED_EVENTS) {
      for (const payload of examples(event)) {
        const id = randomUUID();
        const res = await w.deliver(event, payload, { id });
        assert.equal(res.status, 202, `${event} ${payload.action}`);
        const acts = classifyDelivery(event, payload).kind !== 'ignore';
        assert.equal(res.body.status, acts ? 'recorded' : 'ignored', `${event} ${payload.action}`);
        assert.equal(
          await w.count('webhook_deliveries WHERE delivery_id = $1', [id]),
          acts ? 1 : 0,
        );
        if (acts) recorded++;
      }
    }
    // push to master, merged/closed PRs are not steering/*, rerequested ×4, installation ×4,
    // installation_repositories ×3, repository created/renamed/transferred/default-branch edit.
    assert.ok(recorded >= 15, `recorded ${recorded}`);
    await webhookIntakeIdle(w.app); // the queue is fed and the markers written after the answers
    assert.equal(
      await w.count('webhook_deliveries WHERE enqueued_at IS NULL'),
      0,
      'every recorded delivery was enqueued',
    );
  });

  it('deliveries arriving together are each answered for their own row (group commit)', async () => {
    const ids = Array.from({ length: 10 }, () => randomUUID());
    const twice = ids[0]!;
    const bad = randomUUID();
    const poisoned = JSON.parse(pushBody) as { head_commit: { message: string } };
    poisoned.head_commit.message = 'NUL \u0000 is valid JSON but not jsonb';
    const answers = await Promise.all([
      ...ids.map((id) => w.deliver('push', JSON.parse(pushBody), { id })),
      w.deliver('push', JSON.parse(pushBody), { id: twice }),
      w.deliver('push', poisoned, { id: bad }),
    ]);
    const statuses = answers.slice(0, 11).map((a) => `${a.status} ${a.body.status}`);
    assert.equal(statuses.filter((s) => s === '202 recorded').length, 10, statuses.join(', '));
    assert.equal(statuses.filter((s) => s === '202 duplicate').length, 1, statuses.join(', '));
    assert.ok(answers[11]!.status >= 400, `the unstorable payload: ${answers[11]!.status}`);
    // Each answered row is committed at the answer; the queue is fed from the rows just after.
    assert.equal(await w.count('webhook_deliveries WHERE delivery_id = ANY($1)', [ids]), 10);
    await webhookIntakeIdle(w.app);
    const jobs = await Promise.all(ids.map((id) => w.queue.getJob(`delivery-${id}`)));
    assert.equal(jobs.filter(Boolean).length, 10, 'each recorded delivery has its job');
    assert.equal(
      await w.count('webhook_deliveries WHERE delivery_id = ANY($1) AND enqueued_at IS NOT NULL', [
        ids,
      ]),
      10,
    );
    assert.equal(await w.count('webhook_deliveries WHERE delivery_id = $1', [bad]), 0);
  });

  it('a redelivery of the same id is a no-op', async () => {
    const id = randomUUID();
    const first = await w.deliver('push', JSON.parse(pushBody), { id });
    const second = await w.deliver('push', JSON.parse(pushBody), { id });
    assert.equal(first.body.status, 'recorded');
    assert.equal(second.status, 202);
    assert.equal(second.body.status, 'duplicate');
    assert.equal(await w.count('webhook_deliveries WHERE delivery_id = $1', [id]), 1);
    await webhookIntakeIdle(w.app);
    const jobs = await w.queue.getJobs(['waiting', 'delayed', 'active', 'completed']);
    assert.equal(jobs.filter((j) => j.id === `delivery-${id}`).length, 1);
  });
});

describe('classifyDelivery', () => {
  const push = (over: Record<string, unknown> = {}) => ({
    ref: 'refs/heads/main',
    after: 'a'.repeat(40),
    repository: { id: 1, default_branch: 'main' },
    sender: { login: 'octocat', type: 'User' },
    commits: [{ added: ['.steering/lock.json'], modified: [], removed: [] }],
    ...over,
  });

  it('scans pushes to the default branch, not other branches or deletions', () => {
    assert.equal(classifyDelivery('push', push()).kind, 'push');
    assert.equal(classifyDelivery('push', push({ ref: 'refs/heads/feature' })).kind, 'ignore');
    assert.equal(classifyDelivery('push', push({ deleted: true })).kind, 'ignore');
    assert.equal(classifyDelivery('push', push({ ref: 'refs/tags/v1' })).kind, 'ignore');
  });

  it('ignores a bot push that only changed .steering/ files', () => {
    const bot = { login: 'steering[bot]', type: 'Bot' };
    assert.equal(classifyDelivery('push', push({ sender: bot })).kind, 'ignore');
    const mixed = push({
      sender: bot,
      commits: [{ added: ['.steering/lock.json'], modified: ['app.py'], removed: [] }],
    });
    assert.equal(classifyDelivery('push', mixed).kind, 'push');
  });

  it('records merged steering pull requests only', () => {
    const pr = (merged: boolean, head: string) => ({
      action: 'closed',
      number: 7,
      pull_request: {
        merged,
        head: { ref: head },
        base: { ref: 'main' },
        merge_commit_sha: 'b'.repeat(40),
      },
      repository: { id: 1, default_branch: 'main' },
    });
    assert.deepEqual(classifyDelivery('pull_request', pr(true, 'steering/performance')), {
      kind: 'merged',
      prNumber: 7,
      sha: 'b'.repeat(40),
      branch: 'steering/performance',
    });
    assert.equal(
      classifyDelivery('pull_request', pr(false, 'steering/performance')).kind,
      'ignore',
    );
    assert.equal(classifyDelivery('pull_request', pr(true, 'feature/x')).kind, 'ignore');
  });
});
