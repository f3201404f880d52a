import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import request from 'supertest';
import { createApp } from '../../src/http/index.js';
import { silentLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics.js';
import { createApiToken } from '../../src/store/index.js';
import { createResponseValidator } from '../support/openapi.js';
import { createRolloutHook } from '../../src/jobs/index.js';
import { PERFORMANCE, createWorld } from './harness.js';

describe('GET /v1/rollouts', () => {
  it('lists rollouts with counts and pages one rollout’s targets; read scope; documented', async () => {
    const w = await createWorld();
    try {
      w.seed(5);
      await w.sync();
      const id = await w.publish(PERFORMANCE);
      w.startWorker();
      await w.settled(id!);
      const app = createApp({
        db: w.db,
        logger: silentLogger,
        metrics: createMetrics({ processMetrics: false }),
        auth: { cacheMs: 0 },
      });
      const read = (await createApiToken(w.db, { name: 'r', scopes: ['read'] })).token;
      const doc = await request(app).get('/openapi.json').expect(200);
      const validate = createResponseValidator(doc.body);

      await request(app).get('/v1/rollouts').expect(401);
      const list = await request(app)
        .get('/v1/rollouts')
        .set('authorization', `Bearer ${read}`)
        .expect(200);
      validate('get', '/v1/rollouts', 200, String(list.headers['content-type']), list.body);
      assert.equal(list.body.rollouts.length, 1);
      assert.equal(list.body.rollouts[0].counts.opened, 5);
      assert.equal(list.body.rollouts[0].total, 5);

      const page = await request(app)
        .get(`/v1/rollouts/${id}?limit=2&offset=2`)
        .set('authorization', `Bearer ${read}`)
        .expect(200);
      validate('get', '/v1/rollouts/{id}', 200, String(page.headers['content-type']), page.body);
      assert.deepEqual(
        page.body.targets.map((t: { repository: string }) => t.repository),
        ['acme/svc-002', 'acme/svc-003'],
      );
      assert.equal(page.body.targets[0].state, 'opened');
      assert.equal(typeof page.body.targets[0].prNumber, 'number');
      await request(app)
        .get('/v1/rollouts/999999')
        .set('authorization', `Bearer ${read}`)
        .expect(404);
    } finally {
      await w.close();
    }
  });

  it('publishing through the API creates the rollout and (autoFlush) enqueues it', async () => {
    const w = await createWorld();
    try {
      w.seed(3);
      await w.sync();
      w.startWorker();
      const hook = createRolloutHook({
        db: w.db,
        queue: w.queue,
        selectors: w.selectors,
        autoFlush: true,
      });
      const app = createApp({
        db: w.db,
        logger: silentLogger,
        metrics: createMetrics({ processMetrics: false }),
        auth: { cacheMs: 0 },
        onPublished: hook.onPublished,
      });
      const publish = (await createApiToken(w.db, { name: 'p', scopes: ['publish'] })).token;
      await request(app)
        .post('/v1/guidelines/performance/versions')
        .set('authorization', `Bearer ${publish}`)
        .set('content-type', 'text/markdown')
        .send(PERFORMANCE)
        .expect(201);
      const r = await w.waitFor(1, (x) => x.state === 'completed');
      assert.equal(r.counts.opened, 3);
    } finally {
      await w.close();
    }
  });
});
