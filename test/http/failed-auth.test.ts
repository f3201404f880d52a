/**
 * A client that keeps failing authentication is throttled before any work is done for it (no
 * token lookup, no body read), on the API and on the webhook route; clients that authenticate
 * are never throttled; the limit is shared through Redis when one is given.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import request from 'supertest';
import { createApp } from '../../src/http/index.js';
import { silentLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics.js';
import { deletePrefixKeys } from '../../src/jobs/index.js';
import { createApiToken } from '../../src/store/index.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { TEST_REDIS_URL } from '../support/app.js';

describe('throttling failed authentication', () => {
  let t: TestDatabase;
  let redis: Redis;
  const prefix = `steering-test-${randomBytes(5).toString('hex')}`;

  before(async () => {
    t = await createTestDatabase();
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  });
  after(async () => {
    await deletePrefixKeys(redis, prefix);
    redis.disconnect();
    await t.drop();
  });

  const app = (failedAuth: Parameters<typeof createApp>[0]['failedAuth']) =>
    createApp({
      db: t.db,
      logger: silentLogger,
      metrics: createMetrics({ processMetrics: false }),
      failedAuth,
      webhooks: { secret: 'shh', enqueue: async () => false },
    });

  it('answers 429 with Retry-After once an address spent its failures; good tokens still pass', async () => {
    const a = app({ failures: 3, windowSeconds: 60 });
    const { token } = await createApiToken(t.db, { name: 'reader', scopes: ['read'] });
    for (let i = 0; i < 3; i++) {
      const r = await request(a).get('/v1/guidelines').set('Authorization', 'Bearer nope');
      assert.equal(r.status, 401);
    }
    const blocked = await request(a).get('/v1/guidelines').set('Authorization', `Bearer ${token}`);
    assert.equal(blocked.status, 429);
    assert.equal(blocked.body.code, 'RATE_LIMITED');
    assert.ok(Number(blocked.headers['retry-after']) >= 1);
    const unsigned = await request(a)
      .post('/webhooks/github')
      .set('x-github-event', 'push')
      .send('{}');
    assert.equal(unsigned.status, 429, 'the webhook route shares the budget');

    const fresh = app({ failures: 3, windowSeconds: 60 });
    for (let i = 0; i < 10; i++) {
      const ok = await request(fresh).get('/v1/guidelines').set('Authorization', `Bearer ${token}`);
      assert.equal(ok.status, 200, 'successes cost nothing');
    }
  });

  it('shares the count through Redis between instances', async () => {
    const limits = { failures: 2, windowSeconds: 60, redis: { client: redis, prefix } };
    const one = app(limits);
    const two = app(limits);
    assert.equal((await request(one).get('/v1/guidelines')).status, 401);
    assert.equal((await request(two).get('/v1/guidelines')).status, 401);
    assert.equal((await request(one).get('/v1/guidelines')).status, 429);
    assert.equal((await request(two).get('/v1/guidelines')).status, 429);
  });
});
