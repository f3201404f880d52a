import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import helmet from 'helmet';
import request from 'supertest';
import { createApp } from '../../src/http/index.js';
import { silentLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics.js';
import { revokeApiToken } from '../../src/store/index.js';
import { createTestApp } from '../support/app.js';
import { createResponseValidator } from '../support/openapi.js';

const PERFORMANCE = readFileSync(
  new URL('../../guidelines/performance.md', import.meta.url),
  'utf8',
);
const TIGHTENED = PERFORMANCE.replace('- Health checks: < 50ms', '- Health checks: < 20ms');
const RULE = 'performance.api-response-times.health-checks';

type Ctx = Awaited<ReturnType<typeof createTestApp>>;

/**
 * Every /v1 route: method, concrete path, OpenAPI path, and a token that lacks its scope (null for
 * read routes: every other scope implies read, so a publish token must be let through).
 */
const ROUTES = [
  {
    method: 'post',
    url: '/v1/guidelines/performance/versions',
    path: '/v1/guidelines/{id}/versions',
    lacks: 'read',
  },
  { method: 'get', url: '/v1/guidelines', path: '/v1/guidelines', lacks: null },
  {
    method: 'get',
    url: '/v1/guidelines/performance',
    path: '/v1/guidelines/{id}',
    lacks: null,
  },
  {
    method: 'get',
    url: '/v1/guidelines/performance/versions',
    path: '/v1/guidelines/{id}/versions',
    lacks: null,
  },
  {
    method: 'get',
    url: '/v1/guidelines/performance/versions/1.0.0',
    path: '/v1/guidelines/{id}/versions/{version}',
    lacks: null,
  },
  {
    method: 'get',
    url: '/v1/guidelines/performance/versions/2.0.0/diff?from=1.0.0',
    path: '/v1/guidelines/{id}/versions/{version}/diff',
    lacks: null,
  },
  { method: 'get', url: `/v1/rules/${RULE}`, path: '/v1/rules/{ruleId}', lacks: null },
] as Array<{ method: 'get' | 'post'; url: string; path: string; lacks: 'read' | null }>;

describe('HTTP API', () => {
  let ctx: Ctx;
  let validate: ReturnType<typeof createResponseValidator>;
  const auth = (scope: keyof Ctx['tokens']) => ({ Authorization: `Bearer ${ctx.tokens[scope]}` });

  /** Sends, then checks the response against /openapi.json whatever its status. */
  async function call(
    method: 'get' | 'post',
    url: string,
    path: string,
    headers: Record<string, string> = {},
    body?: string,
    type = 'text/markdown',
  ) {
    let req = request(ctx.app)[method](url).set(headers);
    if (body !== undefined) req = req.set('Content-Type', type).send(body);
    const res = await req;
    validate(method, path, res.status, String(res.headers['content-type']), res.body);
    return res;
  }

  before(async () => {
    ctx = await createTestApp();
    const doc = await request(ctx.app).get('/openapi.json').expect(200);
    assert.equal(doc.body.openapi, '3.1.0');
    validate = createResponseValidator(doc.body);
    // The validator itself rejects what the document does not allow.
    assert.throws(() => validate('get', '/health', 200, 'application/json', { status: 'nope' }));
    assert.throws(() =>
      validate('get', '/v1/guidelines', 200, 'application/json', { guidelines: [{ id: 1 }] }),
    );
  });
  after(() => ctx.close());

  it('publishes 1.0.0, answers an unchanged republish with 200, stores 2.0.0 for a tightened threshold', async () => {
    const path = '/v1/guidelines/{id}/versions';
    const url = '/v1/guidelines/performance/versions';
    const first = await call('post', url, path, auth('publish'), PERFORMANCE);
    assert.equal(first.status, 201);
    assert.equal(first.body.version, '1.0.0');
    assert.equal(first.headers.location, '/v1/guidelines/performance/versions/1.0.0');
    const again = await call(
      'post',
      url,
      path,
      auth('admin'),
      PERFORMANCE,
      'text/plain; charset=utf-8',
    );
    assert.equal(again.status, 200);
    assert.equal(again.body.created, false);
    const second = await call('post', url, path, auth('publish'), TIGHTENED);
    assert.equal(second.status, 201);
    assert.equal(second.body.version, '2.0.0');
    assert.equal(second.body.bump, 'major');
    assert.match(second.body.summary, /health-checks/);
  });

  it('serves every read route per the OpenAPI document', async () => {
    for (const r of ROUTES.filter((x) => x.method === 'get')) {
      const res = await call('get', r.url, r.path, auth('read'));
      assert.equal(res.status, 200, `${r.url}: ${JSON.stringify(res.body)}`);
    }
    const version = await call(
      'get',
      '/v1/guidelines/performance/versions/1.0.0',
      '/v1/guidelines/{id}/versions/{version}',
      auth('read'),
    );
    assert.ok(version.body.rules.some((r: { id: string }) => r.id === RULE));
    const etag = String(version.headers.etag);
    assert.match(etag, /^"performance@1\.0\.0-[0-9a-f]{16}"$/);
    const cached = await request(ctx.app)
      .get('/v1/guidelines/performance/versions/1.0.0')
      .set(auth('read'))
      .set('If-None-Match', etag);
    assert.equal(cached.status, 304);
    const diff = await call(
      'get',
      '/v1/guidelines/performance/versions/2.0.0/diff',
      '/v1/guidelines/{id}/versions/{version}/diff',
      auth('read'),
    );
    assert.equal(diff.body.from, '1.0.0');
    assert.deepEqual(
      diff.body.changelog.changed.map((c: { id: string }) => c.id),
      [RULE],
    );
    const rule = await call('get', `/v1/rules/${RULE}`, '/v1/rules/{ruleId}', auth('read'));
    assert.deepEqual(
      rule.body.versions.map((v: { version: string }) => v.version),
      ['2.0.0', '1.0.0'],
    );
    assert.equal(rule.body.rule.threshold.value, 20);
    const list = await call(
      'get',
      '/v1/guidelines/performance/versions?limit=1',
      '/v1/guidelines/{id}/versions',
      auth('read'),
    );
    assert.deepEqual(
      list.body.versions.map((v: { version: string }) => v.version),
      ['2.0.0'],
    );
  });

  it('rejects every /v1 route without a token, with an unknown token, and with the wrong scope', async () => {
    for (const r of ROUTES) {
      const body = r.method === 'post' ? PERFORMANCE : undefined;
      const none = await call(r.method, r.url, r.path, {}, body);
      assert.equal(none.status, 401, r.url);
      assert.equal(none.body.code, 'UNAUTHENTICATED');
      assert.match(String(none.headers['www-authenticate']), /^Bearer/);
      assert.match(String(none.headers['content-type']), /^application\/problem\+json/);
      const bogus = await call(r.method, r.url, r.path, { Authorization: 'Bearer stg_nope' }, body);
      assert.equal(bogus.status, 401, r.url);
      if (r.lacks === null) {
        const implied = await call(r.method, r.url, r.path, auth('publish'), body);
        assert.notEqual(implied.status, 403, `${r.url}: publish implies read`);
        assert.notEqual(implied.status, 401, r.url);
        continue;
      }
      const wrong = await call(r.method, r.url, r.path, auth(r.lacks), body);
      assert.equal(wrong.status, 403, r.url);
      assert.equal(wrong.body.code, 'FORBIDDEN');
    }
  });

  it('stops accepting a revoked token', async () => {
    const res = await call('get', '/v1/guidelines', '/v1/guidelines', auth('read'));
    assert.equal(res.status, 200);
    await revokeApiToken(ctx.db, 'reader');
    const after = await call('get', '/v1/guidelines', '/v1/guidelines', auth('read'));
    assert.equal(after.status, 401);
  });

  it('answers bad input with problem+json and a stable code', async () => {
    const post = (body: string, type = 'text/markdown', id = 'performance') =>
      call(
        'post',
        `/v1/guidelines/${id}/versions`,
        '/v1/guidelines/{id}/versions',
        auth('admin'),
        body,
        type,
      );
    const cases: Array<[Promise<request.Response>, number, string]> = [
      [post('{"a":1}', 'application/json'), 415, 'UNSUPPORTED_MEDIA_TYPE'],
      [post('x'.repeat(300_000)), 413, 'PAYLOAD_TOO_LARGE'],
      [post('   '), 400, 'INVALID_INPUT'],
      [
        post(
          '---\nid: another\n---\n# Another\n\n## Limits\n\n- Response time: < 5ms\n',
          'text/markdown',
          'other',
        ),
        400,
        'INVALID_INPUT',
      ],
      [post('---\nid: Bad Id!\n---\n# x\n', 'text/markdown', 'bad'), 422, 'INVALID_DOCUMENT'],
      [post(PERFORMANCE, 'text/markdown', 'Bad_Id'), 400, 'INVALID_INPUT'],
      [call('get', '/v1/guidelines/nope', '/v1/guidelines/{id}', auth('admin')), 404, 'NOT_FOUND'],
      [
        call('get', '/v1/guidelines/nope/versions', '/v1/guidelines/{id}/versions', auth('admin')),
        404,
        'NOT_FOUND',
      ],
      [
        call(
          'get',
          '/v1/guidelines/performance/versions?limit=0',
          '/v1/guidelines/{id}/versions',
          auth('admin'),
        ),
        400,
        'INVALID_INPUT',
      ],
      [
        call(
          'get',
          '/v1/guidelines/performance/versions/9.9.9',
          '/v1/guidelines/{id}/versions/{version}',
          auth('admin'),
        ),
        404,
        'NOT_FOUND',
      ],
      [
        call(
          'get',
          '/v1/guidelines/performance/versions/latest',
          '/v1/guidelines/{id}/versions/{version}',
          auth('admin'),
        ),
        400,
        'INVALID_INPUT',
      ],
      [
        call(
          'get',
          '/v1/guidelines/performance/versions/2.0.0/diff?from=7.0.0',
          '/v1/guidelines/{id}/versions/{version}/diff',
          auth('admin'),
        ),
        404,
        'NOT_FOUND',
      ],
      [
        call(
          'get',
          '/v1/guidelines/performance/versions/2.0.0/diff?from=x',
          '/v1/guidelines/{id}/versions/{version}/diff',
          auth('admin'),
        ),
        400,
        'INVALID_INPUT',
      ],
      [
        call('get', '/v1/rules/performance.no-such-rule', '/v1/rules/{ruleId}', auth('admin')),
        404,
        'NOT_FOUND',
      ],
    ];
    for (const [pending, status, code] of cases) {
      const res = await pending;
      assert.equal(res.status, status, `expected ${code}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.code, code);
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
      assert.equal(res.body.status, status);
      assert.equal(typeof res.body.detail, 'string');
    }
    const invalid = await post('---\nid: Bad Id!\n---\n# x\n', 'text/markdown', 'bad');
    assert.ok(
      invalid.body.details.messages.every((m: string) => /^bad\.md:\d+:\d+: error /.test(m)),
    );
    const unknown = await request(ctx.app).get('/nowhere').expect(404);
    assert.equal(unknown.body.code, 'NOT_FOUND');
  });

  it('echoes a request id, sets security headers, serves health, readiness and metrics', async () => {
    // /health answers before logging and metrics (a liveness probe's cost stays minimal), with
    // the same security headers as every other route.
    const health = await call('get', '/health', '/health');
    assert.equal(health.status, 200);
    assert.equal(health.body.status, 'ok');
    assert.equal(health.headers['x-powered-by'], undefined);
    assert.equal(health.headers['x-content-type-options'], 'nosniff');
    assert.equal(health.headers['x-frame-options'], 'DENY');
    assert.match(String(health.headers['content-security-policy']), /default-src 'none'/);

    const ready = await call('get', '/ready', '/ready', { 'X-Request-Id': 'abc-123' });
    assert.equal(ready.headers['x-request-id'], 'abc-123');
    assert.equal(ready.headers['x-content-type-options'], 'nosniff');
    // Every other answer carries exactly the headers helmet sets (worked out once, not per request).
    const reference = express()
      .disable('x-powered-by')
      .use(helmet())
      .get('/', (_req, res) => res.end());
    const expected = (await request(reference).get('/')).headers;
    const own = new Set([
      'date',
      'connection',
      'keep-alive',
      'content-length',
      'transfer-encoding',
    ]);
    const helmetNames = Object.keys(expected).filter((name) => !own.has(name));
    assert.ok(helmetNames.length >= 10, helmetNames.join());
    for (const name of helmetNames) assert.equal(ready.headers[name], expected[name], name);
    const generated = await request(ctx.app).get('/ready');
    assert.match(String(generated.headers['x-request-id']), /^[0-9a-f-]{36}$/);

    assert.equal(ready.status, 200);
    assert.equal(ready.body.checks.postgres.status, 'up');
    assert.equal(ready.body.checks.redis.status, 'up');
    assert.equal(typeof ready.body.checks.redis.latencyMs, 'number');

    const metrics = await request(ctx.app).get('/metrics').expect(200);
    assert.match(
      metrics.text,
      /steering_http_request_duration_seconds_count\{method="GET",route="\/v1\/guidelines\/:id\/versions\/:version",status="200"\} \d+/,
    );
    assert.match(
      metrics.text,
      /steering_http_request_duration_seconds_count\{method="GET",route="unmatched",status="404"\}/,
    );
    assert.match(metrics.text, /^steering_db_pool_max 5$/m);
    assert.match(metrics.text, /^steering_db_pool_connections \d+$/m);
  });

  it('answers /ready with 503 naming the dependency that is down', async () => {
    const app = createApp({
      db: ctx.db,
      logger: silentLogger,
      metrics: createMetrics({ processMetrics: false }),
      readiness: {
        postgres: () => ctx.db.ping(),
        redis: () => Promise.reject(new Error('connect ECONNREFUSED')),
      },
    });
    const res = await request(app).get('/ready');
    validate('get', '/ready', res.status, String(res.headers['content-type']), res.body);
    assert.equal(res.status, 503);
    assert.equal(res.body.checks.redis.status, 'down');
    assert.equal(res.body.checks.postgres.status, 'up');
  });
});
