import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { getVersionChecks } from '../../src/store/index.js';
import { createTestApp } from '../support/app.js';
import { createResponseValidator } from '../support/openapi.js';

const PERFORMANCE = readFileSync(
  new URL('../../guidelines/performance.md', import.meta.url),
  'utf8',
);
const RULE = 'performance.health-check-implementation.reference';
const CHECKS = `guideline: performance
checks:
  - id: health-route
    rule: ${RULE}
    description: A health route exists.
    type: file-contains
    files: '**/*.py'
    pattern: '/health'
`;
const MORE_CHECKS = `${CHECKS}  - id: dockerfile
    rule: ${RULE}
    description: A Dockerfile exists.
    type: file-exists
    files: Dockerfile
`;

type Ctx = Awaited<ReturnType<typeof createTestApp>>;

describe('POST /v1/guidelines/:id/checks', () => {
  let ctx: Ctx;
  let validate: ReturnType<typeof createResponseValidator>;
  const url = '/v1/guidelines/performance/checks';
  const path = '/v1/guidelines/{id}/checks';

  async function publishChecks(body: string, scope: keyof Ctx['tokens'] = 'publish') {
    const res = await request(ctx.app)
      .post(url)
      .set('Authorization', `Bearer ${ctx.tokens[scope]}`)
      .set('Content-Type', 'application/yaml')
      .send(body);
    validate('post', path, res.status, String(res.headers['content-type']), res.body);
    return res;
  }

  before(async () => {
    ctx = await createTestApp();
    const doc = await request(ctx.app).get('/openapi.json').expect(200);
    assert.ok(doc.body.paths[path]?.post, 'the route is in /openapi.json');
    validate = createResponseValidator(doc.body);
  });
  after(() => ctx.close());

  it('answers 404 with what to do while the guideline has no version', async () => {
    const res = await publishChecks(CHECKS);
    assert.equal(res.status, 404);
    assert.match(res.body.detail, /publish its markdown first/);
  });

  it('stores a new version carrying the checks; the same checks again answer 200', async () => {
    const markdown = await request(ctx.app)
      .post('/v1/guidelines/performance/versions')
      .set('Authorization', `Bearer ${ctx.tokens.publish}`)
      .set('Content-Type', 'text/markdown')
      .send(PERFORMANCE)
      .expect(201);
    const first = await publishChecks(CHECKS);
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal(first.body.previousVersion, '1.0.0');
    assert.notEqual(first.body.version, '1.0.0');
    assert.deepEqual(first.body.checksChange.added, ['health-route']);
    assert.equal(
      first.headers.location,
      `/v1/guidelines/performance/versions/${first.body.version}`,
    );
    const stored = await getVersionChecks(ctx.db, 'performance', first.body.version);
    assert.equal(stored?.text, CHECKS);

    const again = await publishChecks(CHECKS);
    assert.equal(again.status, 200);
    assert.equal(again.body.created, false);
    assert.equal(again.body.version, first.body.version);

    const more = await publishChecks(MORE_CHECKS);
    assert.equal(more.status, 201);
    assert.deepEqual(more.body.checksChange.added, ['dockerfile']);

    // Each new version is audited under the token's name (the unchanged publish is not).
    const audit = await ctx.db.query<{ actor: string; subject: string; details: unknown }>(
      `SELECT actor, subject, details FROM audit_log WHERE action = 'publish' ORDER BY id`,
    );
    assert.deepEqual(audit.rows, [
      {
        actor: 'token:publisher',
        subject: 'performance@1.0.0',
        details: {
          bump: markdown.body.bump,
          previousVersion: null,
          ruleCount: markdown.body.ruleCount,
        },
      },
      {
        actor: 'token:publisher',
        subject: `performance@${first.body.version}`,
        details: { bump: first.body.bump, previousVersion: '1.0.0', checksOnly: true },
      },
      {
        actor: 'token:publisher',
        subject: `performance@${more.body.version}`,
        details: { bump: more.body.bump, previousVersion: first.body.version, checksOnly: true },
      },
    ]);
  });

  it('rejects an invalid checks file with line:column and stores nothing', async () => {
    const before = await request(ctx.app)
      .get('/v1/guidelines/performance')
      .set('Authorization', `Bearer ${ctx.tokens.read}`)
      .expect(200);
    const bad = CHECKS.replace('type: file-contains', 'type: file-contians');
    const res = await publishChecks(bad);
    assert.equal(res.status, 422);
    const messages: string[] = res.body.details.messages;
    assert.ok(
      messages.some((m) =>
        /^performance\.checks\.yaml:6:11: error CHECKS_SCHEMA: checks\.0\.type/.test(m),
      ),
      messages.join('\n'),
    );
    const after = await request(ctx.app)
      .get('/v1/guidelines/performance')
      .set('Authorization', `Bearer ${ctx.tokens.read}`)
      .expect(200);
    assert.equal(after.body.latestVersion, before.body.latestVersion);
  });

  it('needs the publish scope and a YAML body', async () => {
    assert.equal((await publishChecks(CHECKS, 'read')).status, 403);
    const res = await request(ctx.app)
      .post(url)
      .set('Authorization', `Bearer ${ctx.tokens.publish}`)
      .set('Content-Type', 'application/json')
      .send('{}');
    assert.equal(res.status, 415);
  });
});
