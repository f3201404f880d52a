// One waiver model, three ways in: the API (scope waive), the CLI, and .steering/waivers.yaml at
// the default-branch head (validated in the check run). Each grant shows as `exempt` at once and
// stops applying at expiry without a rescan; every grant and revoke is in the audit log.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { readWaiversFile } from '../../src/compliance/index.js';
import { createApiToken } from '../../src/store/index.js';
import { createTestApp } from '../support/app.js';
import { TEST_DATABASE_URL } from '../support/db.js';
import { cli as runCli } from '../support/run-cli.js';
import { RULES, seedFleet } from './seed-fleet.js';

/** The CLI in-process with this process's environment plus `env` (as a spawned one would get). */
const cli = (args: string[], env: Record<string, string>) =>
  runCli(args, { env: { ...process.env, ...env } });

describe('waivers', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let waive: string;
  let schema: string;

  const ruleOf = async (repo: string, ruleId: string) => {
    const res = await request(t.app)
      .get(`/v1/repositories/acme/${repo}/compliance`)
      .set('authorization', `Bearer ${t.tokens.read}`);
    const latest = res.body.guidelines.find((g: { track: string }) => g.track === 'latest');
    return latest.rules.find((r: { ruleId: string }) => r.ruleId === ruleId);
  };
  const expire = (id: number) =>
    t.db.query(`UPDATE waivers SET expires_at = now() - interval '1 second' WHERE id = $1`, [id]);

  before(async () => {
    t = await createTestApp();
    await seedFleet(t.app, t.db, t.tokens.admin);
    waive = (await createApiToken(t.db, { name: 'waiver', scopes: ['waive'] })).token;
    schema = (await t.db.query<{ s: string }>('SELECT current_schema() AS s')).rows[0]!.s;
  });
  after(async () => {
    await t?.close();
  });

  it('grants through the API, shows exempt at once, and stops applying at expiry', async () => {
    const before = await ruleOf('alpha', RULES.health);
    assert.equal(before.status, 'fail');
    const res = await request(t.app)
      .post('/v1/waivers')
      .set('authorization', `Bearer ${waive}`)
      .send({
        repository: 'acme/alpha',
        rule: 'fleet.response-times.*',
        owner: 'team-alpha',
        reason: 'the new health endpoint ships next sprint',
        expires: '14d',
      });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.source, 'api');
    assert.equal(res.body.createdBy, 'token:waiver');
    const during = await ruleOf('alpha', RULES.health);
    assert.equal(during.status, 'exempt');
    assert.equal(during.checkStatus, 'fail');
    assert.equal(during.waiver.owner, 'team-alpha');
    assert.equal(during.deadline, null);
    const summary = await request(t.app)
      .get('/v1/compliance?guideline=fleet')
      .set('authorization', `Bearer ${t.tokens.read}`);
    assert.equal(summary.body.guidelines[0].repositories.compliantMust, 2);
    assert.equal(summary.body.guidelines[0].overdue.repositories, 0);

    await expire(res.body.id);
    const afterExpiry = await ruleOf('alpha', RULES.health);
    assert.equal(afterExpiry.status, 'fail');
    assert.equal(afterExpiry.deadline, 'overdue');
    const list = await request(t.app)
      .get('/v1/waivers?repository=acme/alpha')
      .set('authorization', `Bearer ${t.tokens.read}`);
    assert.equal(list.body.waivers.length, 0);
    const all = await request(t.app)
      .get('/v1/waivers?repository=acme/alpha&active=false')
      .set('authorization', `Bearer ${t.tokens.read}`);
    assert.equal(all.body.waivers[0].active, false);
  });

  it('rejects a waiver without expiry, too long, or with two targets, saying why', async () => {
    const post = (body: object, token = waive) =>
      request(t.app).post('/v1/waivers').set('authorization', `Bearer ${token}`).send(body);
    const base = { rule: RULES.json, owner: 'x', reason: 'because' };
    const none = await post({ ...base, repository: 'acme/alpha' });
    assert.equal(none.status, 400);
    assert.match(none.body.detail, /expiry is required/);
    const long = await post({ ...base, repository: 'acme/alpha', expires: '181d' });
    assert.equal(long.status, 400);
    assert.match(long.body.detail, /more than 180 days/);
    const two = await post({ ...base, repository: 'acme/alpha', topic: 'payments', expires: '1d' });
    assert.match(two.body.detail, /exactly one of repository, topic or fleet/);
    const unknownRepo = await post({ ...base, repository: 'acme/nope', expires: '1d' });
    assert.equal(unknownRepo.status, 404);
    const readOnly = await post(
      { ...base, repository: 'acme/alpha', expires: '1d' },
      t.tokens.read,
    );
    assert.equal(readOnly.status, 403);
  });

  it('exempts by topic, and revokes with an audit entry', async () => {
    const res = await request(t.app)
      .post('/v1/waivers')
      .set('authorization', `Bearer ${t.tokens.admin}`)
      .send({
        topic: 'payments',
        rule: RULES.json,
        owner: 'platform',
        reason: 'log format RFC',
        expires: '2d',
      });
    assert.equal(res.status, 201);
    assert.equal((await ruleOf('alpha', RULES.json)).status, 'exempt');
    const del = await request(t.app)
      .delete(`/v1/waivers/${res.body.id}`)
      .set('authorization', `Bearer ${waive}`);
    assert.equal(del.status, 200);
    assert.equal(del.body.revokedBy, 'token:waiver');
    assert.equal((await ruleOf('alpha', RULES.json)).status, 'fail');
    const again = await request(t.app)
      .delete(`/v1/waivers/${res.body.id}`)
      .set('authorization', `Bearer ${waive}`);
    assert.equal(again.status, 404);
    const audit = await request(t.app)
      .get('/v1/audit?action=waiver')
      .set('authorization', `Bearer ${t.tokens.admin}`);
    const actions = audit.body.entries.map(
      (e: { action: string; actor: string }) => `${e.action} ${e.actor}`,
    );
    assert.ok(actions.includes('waiver.revoke token:waiver'), actions.join(', '));
    assert.ok(actions.includes('waiver.grant token:admin'), actions.join(', '));
  });

  it('grants, lists and revokes through the CLI', async () => {
    const env = {
      DATABASE_URL: `${TEST_DATABASE_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`,
      LOG_LEVEL: 'warn',
    };
    const grant = await cli(
      [
        'waiver',
        'grant',
        '--repo',
        'acme/charlie',
        '--rule',
        RULES.simple,
        '--owner',
        'team-c',
        '--reason',
        'query rewrite in review',
        '--expires',
        '7d',
        '--by',
        'alice',
      ],
      env,
    );
    assert.equal(grant.code, 0, grant.stderr);
    const id = Number(/granted waiver (\d+)/.exec(grant.stdout)?.[1]);
    assert.ok(id > 0, grant.stdout);
    const rule = await ruleOf('charlie', RULES.simple);
    assert.equal(rule.status, 'exempt');
    const list = await cli(['waiver', 'list', '--repo', 'acme/charlie'], env);
    assert.match(list.stdout, /team-c/);
    const tooLong = await cli(
      [
        'waiver',
        'grant',
        '--fleet',
        '--rule',
        '*',
        '--owner',
        'x',
        '--reason',
        'nope',
        '--expires',
        '200d',
      ],
      env,
    );
    assert.notEqual(tooLong.code, 0);
    assert.match(tooLong.stderr, /more than 180 days/);
    const revoke = await cli(['waiver', 'revoke', String(id), '--by', 'alice'], env);
    assert.equal(revoke.code, 0, revoke.stderr);
    assert.equal((await ruleOf('charlie', RULES.simple)).status, 'fail');

    // A second grant through the CLI stops applying at its expiry, without a rescan.
    const second = await cli(
      [
        'waiver',
        'grant',
        '--repo',
        'acme/charlie',
        '--rule',
        RULES.simple,
        '--owner',
        'team-c',
        '--reason',
        'until the index lands',
        '--expires',
        '2d',
        '--by',
        'alice',
      ],
      env,
    );
    assert.equal(second.code, 0, second.stderr);
    const secondId = Number(/granted waiver (\d+)/.exec(second.stdout)?.[1]);
    assert.equal((await ruleOf('charlie', RULES.simple)).status, 'exempt');
    await expire(secondId);
    const expired = await ruleOf('charlie', RULES.simple);
    assert.deepEqual([expired.status, expired.waiver], ['fail', null]);
    const audit = await t.db.query<{ actor: string; action: string }>(
      `SELECT actor, action FROM audit_log WHERE details->>'waiverId' = $1 ORDER BY id`,
      [String(id)],
    );
    assert.deepEqual(audit.rows, [
      { actor: 'cli:alice', action: 'waiver.grant' },
      { actor: 'cli:alice', action: 'waiver.revoke' },
    ]);
  });

  it('reads .steering/waivers.yaml with line:column problems', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const file = [
      'waivers:',
      '  - rule: fleet.response-times.health-checks',
      '    owner: team-alpha',
      '    reason: new endpoint in Q1',
      '    expires: 2026-03-01',
      '  - rule: fleet.practices.*',
      '    owner: team-alpha',
      '    reason: forever',
      '    expires: 2027-06-01',
      '  - rule: Not A Rule',
      '    owner: x',
      '    reason: y',
      '    expires: 2026-02-01',
      '  - owner: x',
      '    colour: blue',
    ].join('\n');
    const r = readWaiversFile(file, 'acme/alpha', { now });
    assert.deepEqual(
      r.waivers.map((w) => [w.rule, w.expiresAt, w.line]),
      [['fleet.response-times.health-checks', '2026-03-01T23:59:59.000Z', 2]],
    );
    assert.deepEqual(
      r.problems.map((p) => `${p.line}:${p.column} ${p.message.split(' (')[0]}`),
      [
        '9:14 expires: expiry 2027-06-01T23:59:59.000Z is more than 180 days ahead',
        '10:11 rule: "Not A Rule" is not a rule id or pattern',
        '15:5 unknown key "colour"',
      ],
    );
    assert.match(readWaiversFile('waivers: 3', 'a/b').problems[0]!.message, /expected `waivers:`/);
  });
});
