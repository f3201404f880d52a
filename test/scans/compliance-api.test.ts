// GET /v1/repositories/{owner}/{repo}/compliance after a webhook-triggered scan, validated against
// the app's own OpenAPI document.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createApiToken } from '../../src/store/index.js';
import { createResponseValidator } from '../support/openapi.js';
import { createWorld, fixtureFiles, waitUntil, type World } from './world.js';

describe('compliance API', () => {
  let w: World;
  let token: string;
  let validate: ReturnType<typeof createResponseValidator>;

  before(async () => {
    w = await createWorld();
    const repo = await w.addRepo('claims', fixtureFiles('trap-select-exists'));
    w.startWorker();
    token = (await createApiToken(w.db, { name: 'reader', scopes: ['read'] })).token;
    validate = createResponseValidator((await request(w.app).get('/openapi.json')).body);
    await w.deliver('push', w.pushPayload('claims', '0'.repeat(40), repo.head));
    await waitUntil(
      'scanned',
      async () => (await w.count('scans WHERE check_run_id IS NOT NULL')) > 0,
    );
  });
  after(async () => {
    await w?.close();
  });

  it('returns the latest status per rule with evidence', async () => {
    const res = await request(w.app)
      .get('/v1/repositories/ACME/claims/compliance')
      .set('authorization', `Bearer ${token}`);
    assert.equal(res.status, 200);
    validate('GET', '/v1/repositories/{owner}/{repo}/compliance', 200, res.type, res.body);
    assert.equal(res.body.repository, 'acme/claims');
    const g = res.body.guidelines[0];
    assert.equal(g.guideline, 'performance');
    assert.equal(g.track, 'latest');
    assert.ok(g.rules.length > 5);
    const selectStar = g.rules.find((r: { ruleId: string }) => /select/i.test(r.ruleId));
    assert.ok(selectStar, 'the SELECT * rule is reported');
    const failing = g.rules.filter((r: { status: string }) => r.status === 'fail');
    for (const r of failing)
      for (const e of r.evidence) assert.ok(e.path && e.line >= 1, JSON.stringify(e));
  });

  it('answers 404 for an unknown repository and 401 without a token', async () => {
    const missing = await request(w.app)
      .get('/v1/repositories/acme/nope/compliance')
      .set('authorization', `Bearer ${token}`);
    assert.equal(missing.status, 404);
    validate('GET', '/v1/repositories/{owner}/{repo}/compliance', 404, missing.type, missing.body);
    const anonymous = await request(w.app).get('/v1/repositories/acme/claims/compliance');
    assert.equal(anonymous.status, 401);
  });
});
