/**
 * Fault scenarios around Redis (issue problems 2 and 3), against a redis-server of this test's own:
 * - `steering serve` with Redis down at start: it listens, `/ready` answers 503 naming Redis and
 *   200 once Redis answers; a webhook meanwhile is answered 202 `recorded` (its row committed,
 *   left to the outbox pass), and SIGTERM does not wait on the queue it could not feed (before: it never listened, waiting for ever on scheduling the
 *   reconcile job); the log says once that Redis is unreachable and every line is JSON (before:
 *   about 7 lines a second, some not JSON); SIGTERM then stops it, "stopped" being its last line.
 * - Redis down at start: the workers start anyway (before: start-up waited for ever on
 *   registering the reconcile schedule); a delivery recorded during the outage is processed once
 *   Redis answers, with no restart (before: it waited for the next process start).
 * - Redis restarted empty: a delivery the lost Redis held (recorded and enqueued, unprocessed) is
 *   enqueued again and processed (before: only never-enqueued rows were reconciled).
 */
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startProcessing, type Processing } from '../../src/cli/start-processing.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { getDelivery, markDeliveriesEnqueued, recordDelivery } from '../../src/store/index.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { waitUntil } from '../support/wait-until.js';
import { freePort, ownRedis, type OwnRedis } from './redis-server.js';
import { databaseUrlFor, startSteering } from './steering-process.js';

const SECRET = 'faults-secret';

/** A signed push to the default branch (a delivery steering acts on). */
function deliverPush(url: string, id: string): Promise<Response> {
  const body = JSON.stringify({
    ref: 'refs/heads/main',
    after: 'a'.repeat(40),
    repository: { id: 1, name: 'svc', default_branch: 'main', owner: { login: 'acme' } },
    sender: { login: 'octocat', type: 'User' },
    commits: [],
  });
  return fetch(`${url}/webhooks/github`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'push',
      'x-github-delivery': id,
      'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
    },
    body,
  });
}

async function recordPing(t: TestDatabase): Promise<string> {
  const id = randomUUID();
  await recordDelivery(t.db, {
    id,
    event: 'ping',
    action: null,
    repositoryId: null,
    rawPayload: JSON.stringify({ zen: 'Keep it logically awesome.' }),
  });
  return id;
}

const processed = (t: TestDatabase, id: string) => async () =>
  (await getDelivery(t.db, id))?.processedAt ?? null;

describe('faults: Redis', () => {
  let t: TestDatabase;
  let redis: OwnRedis;
  let processing: Processing | undefined;

  before(async () => {
    t = await createTestDatabase();
    redis = ownRedis(await freePort());
  });
  after(async () => {
    for (const c of processing?.closables ?? []) await c.close(true);
    await redis.stop();
    await t.drop();
  });

  it('serve listens with Redis down at start; /ready names Redis until it answers', async () => {
    const serve = await startSteering({
      DATABASE_URL: databaseUrlFor(t.schema),
      REDIS_URL: redis.url,
      STEERING_QUEUE_PREFIX: `faults-${randomUUID().slice(0, 8)}`,
      GITHUB_TOKEN: undefined,
      GITHUB_APP_ID: undefined,
      REDIS_CONNECT_TIMEOUT_MS: '500',
      REDIS_COMMAND_TIMEOUT_MS: '500',
      GITHUB_WEBHOOK_SECRET: SECRET,
    });
    try {
      await serve.listening();
      console.log('  serve listens while Redis is down');
      const ready = async () => {
        const r = await fetch(`${serve.url}/ready`);
        return {
          status: r.status,
          body: (await r.json()) as { checks: Record<string, { status: string }> },
        };
      };
      const down = await ready();
      assert.equal(down.status, 503);
      assert.equal(down.body.checks.redis?.status, 'down');
      assert.equal(down.body.checks.postgres?.status, 'up');
      assert.equal((await fetch(`${serve.url}/health`)).status, 200);
      // While Redis is down the log says so once (before: ~7 lines a second, some not JSON).
      await serve.logged(/"component":"redis".*ECONNREFUSED/);
      const redisLines = serve.lines.filter((l) => /"component":"redis"/.test(l));
      assert.equal(redisLines.length, 1, redisLines.join('\n'));
      // A webhook during the outage: answered 202 `recorded` once its row is committed; the queue
      // cannot take it, so its marker stays unset for the outbox pass.
      const id = randomUUID();
      const hook = await deliverPush(serve.url, id);
      assert.equal(hook.status, 202);
      assert.deepEqual(await hook.json(), { delivery: id, status: 'recorded' });
      const row = await getDelivery(t.db, id);
      assert.equal(row?.enqueuedAt, null);
      await redis.start();
      console.log('  Redis started');
      const up = await waitUntil('/ready to answer 200', async () => {
        const r = await ready();
        return r.status === 200 ? r : undefined;
      });
      assert.equal(up.body.checks.redis?.status, 'up');
    } finally {
      const exit = await serve.kill('SIGTERM');
      await redis.stop();
      assert.equal(exit.code, 0, serve.lines.slice(-20).join('\n'));
    }
    const notJson = serve.lines.filter((l) => {
      try {
        return typeof JSON.parse(l) !== 'object';
      } catch {
        return true;
      }
    });
    assert.deepEqual(notJson, [], 'every line is JSON');
    assert.match(serve.lines.at(-1) ?? '', /"msg":"stopped"/, 'nothing is logged after "stopped"');
  });

  it('starts with Redis down, and processes what was recorded meanwhile once Redis answers', async () => {
    const config = loadConfig({
      REDIS_URL: redis.url,
      STEERING_QUEUE_PREFIX: `faults-${randomUUID().slice(0, 8)}`,
      STEERING_OUTBOX_EVERY_SECONDS: '1',
      STEERING_RECONCILE_EVERY_SECONDS: '0',
      LOG_LEVEL: 'silent',
    });
    const logger = createLogger({ level: 'silent' });
    processing = await startProcessing(config, t.db, logger, { firstSyncWaitMs: 0 });
    console.log('  started the workers while Redis was down');
    const during = await recordPing(t);
    // The outbox grace for never-enqueued rows is 5 s: the row waits at least that long anyway.
    await redis.start();
    console.log('  Redis started (empty)');
    assert.ok(await waitUntil('the delivery recorded during the outage', processed(t, during)));
  });

  it('re-enqueues a delivery a restarted, empty Redis lost', async () => {
    const lost = await recordPing(t);
    // As if the intake had enqueued it into a Redis that then restarted empty.
    await markDeliveriesEnqueued(t.db, [lost]);
    await t.db.query(
      `UPDATE webhook_deliveries SET received_at = now() - interval '2 minutes' WHERE delivery_id = $1`,
      [lost],
    );
    await redis.stop();
    await redis.start();
    console.log('  Redis restarted empty');
    assert.ok(await waitUntil('the delivery Redis lost', processed(t, lost)));
  });
});
