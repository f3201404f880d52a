// The fleet compliance API over a seeded fleet: summary, filters, keyset pages, ETag, CSV, who
// fails a rule, due dates, scans, history (snapshots taken on the worker's schedule), and every
// response checked against /openapi.json.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import {
  SNAPSHOT_EVERY_MS,
  SNAPSHOT_SCHEDULER_ID,
  startSnapshotSchedule,
  type SnapshotSchedule,
} from '../../src/compliance/index.js';
import { silentLogger } from '../../src/log.js';
import { createMemoryDriver } from '../../src/queue/index.js';
import { createApiToken } from '../../src/store/index.js';
import { createTestApp } from '../support/app.js';
import { createResponseValidator } from '../support/openapi.js';
import { RULES, seedFleet } from './seed-fleet.js';

describe('fleet compliance API', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let validate: ReturnType<typeof createResponseValidator>;
  const get = (path: string, token = t.tokens.read) =>
    request(t.app).get(path).set('authorization', `Bearer ${token}`);

  before(async () => {
    t = await createTestApp();
    await seedFleet(t.app, t.db, t.tokens.admin);
    validate = createResponseValidator((await request(t.app).get('/openapi.json')).body);
  });
  after(async () => {
    await t?.close();
  });

  it('summarises the fleet per guideline', async () => {
    const res = await get('/v1/compliance?guideline=fleet');
    assert.equal(res.status, 200);
    validate('GET', '/v1/compliance', 200, res.type, res.body);
    const s = res.body.guidelines[0];
    assert.equal(s.latestVersion, '1.0.0');
    assert.deepEqual(s.repositories, {
      total: 4,
      scanned: 3,
      compliantMust: 1,
      compliantAll: 1,
      shareCompliantMust: 0.333,
      shareCompliantAll: 0.333,
      overdue: 1,
    });
    assert.deepEqual(s.overdue, { repositories: 1, findings: 1 });
    assert.deepEqual(s.drift, { onLatest: 2, behind: 0, notAdopted: 1 });
    assert.deepEqual(
      s.versions.map((v: { version: string | null; repositories: number }) => [
        v.version,
        v.repositories,
      ]),
      [
        ['1.0.0', 2],
        [null, 1],
      ],
    );
    assert.deepEqual(
      s.topFailingRules.map((r: { ruleId: string }) => r.ruleId).sort(),
      [RULES.health, RULES.json, RULES.simple].sort(),
    );
    assert.deepEqual(s.coverage, { rules: 4, checked: 4, share: 1 });
    const missing = await get('/v1/compliance?guideline=nope');
    assert.equal(missing.status, 404);
  });

  it('filters repositories by status, rule, topic, adoption and overdue', async () => {
    const names = async (q: string) => {
      const res = await get(`/v1/repositories?${q}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      validate('GET', '/v1/repositories', 200, res.type, res.body);
      return res.body.repositories.map((r: { repository: string }) => r.repository);
    };
    assert.deepEqual(await names('guideline=fleet&status=noncompliant'), [
      'acme/alpha',
      'acme/charlie',
    ]);
    assert.deepEqual(await names('status=compliant'), ['acme/bravo']);
    assert.deepEqual(await names('guideline=fleet'), [
      'acme/alpha',
      'acme/bravo',
      'acme/charlie',
      'acme/delta',
    ]);
    assert.deepEqual(await names('status=unscanned'), ['acme/delta']);
    assert.deepEqual(await names('overdue=true'), ['acme/alpha']);
    assert.deepEqual(await names(`rule=${RULES.simple}&status=fail`), ['acme/charlie']);
    assert.deepEqual(await names('topic=payments'), ['acme/alpha']);
    assert.deepEqual(await names('adopted=none'), ['acme/charlie', 'acme/delta']);
    assert.deepEqual(await names('adopted=1.0.0'), ['acme/alpha', 'acme/bravo']);
    const alpha = (await get('/v1/repositories?topic=payments')).body.repositories[0];
    assert.equal(alpha.guidelines[0].status, 'noncompliant');
    assert.equal(alpha.guidelines[0].counts.fail, 2);
    assert.equal(alpha.guidelines[0].overdue, 1);
    const bad = await get('/v1/repositories?status=fail');
    assert.equal(bad.status, 400);
    assert.match(bad.body.detail, /needs rule=/);
  });

  it('pages with a keyset cursor and a Link header', async () => {
    const first = await get('/v1/repositories?limit=3');
    assert.equal(first.body.repositories.length, 3);
    assert.ok(first.body.nextCursor);
    assert.match(String(first.headers.link), /rel="next"/);
    const second = await get(`/v1/repositories?limit=3&cursor=${first.body.nextCursor}`);
    assert.deepEqual(
      second.body.repositories.map((r: { repository: string }) => r.repository),
      ['acme/delta'],
    );
    assert.equal(second.body.nextCursor, null);
    const bad = await get('/v1/repositories?cursor=bm90LWEtY3Vyc29y');
    assert.equal(bad.status, 400);
    assert.match(bad.body.detail, /cursor/);
  });

  it('answers 304 to If-None-Match and CSV to Accept: text/csv', async () => {
    const res = await get('/v1/repositories');
    const etag = res.headers.etag as string;
    assert.ok(etag);
    const again = await get('/v1/repositories').set('if-none-match', etag);
    assert.equal(again.status, 304);
    const csv = await get('/v1/repositories').set('accept', 'text/csv');
    assert.equal(csv.status, 200);
    assert.match(csv.type, /text\/csv/);
    const lines = csv.text.trim().split('\r\n');
    assert.match(lines[0]!, /^repository,guideline,status,adopted,version,pass,fail/);
    assert.ok(
      lines.some((l) => l.startsWith('acme/alpha,fleet,noncompliant,1.0.0,1.0.0,2,2')),
      csv.text,
    );
    assert.notEqual(csv.headers.etag, etag);
    // If-None-Match compares weakly (the tag without W/ matches too) and takes a list.
    const strong = await get('/v1/repositories').set('if-none-match', etag.slice(2));
    assert.equal(strong.status, 304);
    const listed = await get('/v1/repositories').set('if-none-match', `"other", ${etag}`);
    assert.equal(listed.status, 304);
    const other = await get('/v1/repositories').set('if-none-match', '"other"');
    assert.equal(other.status, 200);
    const csvAgain = await get('/v1/repositories')
      .set('accept', 'text/csv')
      .set('if-none-match', String(csv.headers.etag));
    assert.equal(csvAgain.status, 304);
    // Which representation each Accept header gets.
    for (const [accept, type] of [
      ['*/*', 'application/json'],
      ['application/json, text/csv', 'application/json'],
      ['text/csv, application/json', 'text/csv'],
      ['text/*', 'text/csv'],
      ['application/json;q=0.5, text/csv', 'text/csv'],
      ['application/json;q=0, */*', 'text/csv'],
    ] as const) {
      const r = await get('/v1/repositories').set('accept', accept);
      assert.equal(r.type, type, accept);
    }
  });

  it('lists who fails a rule, with the deadline', async () => {
    const res = await get(`/v1/rules/${RULES.health}/repositories?status=fail`);
    assert.equal(res.status, 200);
    validate('GET', '/v1/rules/{ruleId}/repositories', 200, res.type, res.body);
    assert.equal(res.body.repositories.length, 1);
    const a = res.body.repositories[0];
    assert.equal(a.repository, 'acme/alpha');
    assert.equal(a.deadline, 'overdue');
    assert.ok(a.since);
    const simple = await get(`/v1/rules/${RULES.simple}/repositories?status=fail`);
    assert.equal(simple.body.repositories[0].deadline, 'due');
    const due = Date.parse(simple.body.repositories[0].dueAt) - Date.now();
    assert.ok(due > 29 * 86_400_000 && due <= 30 * 86_400_000, `due in ${due} ms`);
  });

  it('shows per rule status, deadline and what the latest version changes', async () => {
    const res = await get('/v1/repositories/acme/alpha/compliance');
    assert.equal(res.status, 200);
    validate('GET', '/v1/repositories/{owner}/{repo}/compliance', 200, res.type, res.body);
    const latest = res.body.guidelines.find((g: { track: string }) => g.track === 'latest');
    const health = latest.rules.find((r: { ruleId: string }) => r.ruleId === RULES.health);
    assert.equal(health.status, 'fail');
    assert.equal(health.deadline, 'overdue');
    assert.equal(latest.overdue, 1);
    assert.equal(res.body.changes[0].adopted, '1.0.0');
    assert.deepEqual(res.body.changes[0].wouldFail, []);
  });

  it('lists scans and one scan with findings; rescan needs a queue', async () => {
    const list = await get('/v1/repositories/acme/alpha/scans');
    assert.equal(list.status, 200);
    validate('GET', '/v1/repositories/{owner}/{repo}/scans', 200, list.type, list.body);
    assert.equal(list.body.scans.length, 1);
    const one = await get(`/v1/repositories/acme/alpha/scans/${list.body.scans[0].id}`);
    validate('GET', '/v1/repositories/{owner}/{repo}/scans/{id}', 200, one.type, one.body);
    assert.equal(one.body.findings.length, 4);
    const rescan = await request(t.app)
      .post('/v1/repositories/acme/alpha/scans')
      .set('authorization', `Bearer ${t.tokens.publish}`);
    assert.equal(rescan.status, 409);
    const forbidden = await request(t.app)
      .post('/v1/repositories/acme/alpha/scans')
      .set('authorization', `Bearer ${t.tokens.read}`);
    assert.equal(forbidden.status, 403);
  });

  it('takes the daily snapshot on the worker schedule and serves the history by day and week', async () => {
    // Reads never write the snapshot: before the schedule runs there is no point for today.
    const before = await get('/v1/compliance/history?guideline=fleet');
    assert.deepEqual(before.body.points, []);
    const driver = createMemoryDriver();
    let schedule: SnapshotSchedule | undefined;
    const rows = await new Promise<number>((resolve) => {
      schedule = startSnapshotSchedule({
        db: t.db,
        driver,
        logger: silentLogger,
        onSnapshot: resolve,
      });
    });
    assert.equal(rows, 4); // one row per rule of the guideline
    assert.deepEqual(
      (await schedule!.queue.getJobSchedulers()).map((s) => [s.id, s.every]),
      [[SNAPSHOT_SCHEDULER_ID, SNAPSHOT_EVERY_MS]],
    );
    await schedule!.close();
    await driver.close();

    const res = await get('/v1/compliance/history?guideline=fleet');
    assert.equal(res.status, 200);
    validate('GET', '/v1/compliance/history', 200, res.type, res.body);
    assert.equal(res.body.points.length, 1);
    const p = res.body.points[0];
    assert.equal(p.date, new Date().toISOString().slice(0, 10));
    assert.deepEqual([p.fail, p.mustFailing, p.overdue], [3, 2, 1]);
    const week = await get('/v1/compliance/history?guideline=fleet&bucket=week');
    assert.equal(week.body.points.length, 1);
    const rule = await get(`/v1/compliance/history?rule=${RULES.health}`);
    assert.equal(rule.body.points[0].fail, 1);
    const bad = await get('/v1/compliance/history?from=2026-02-01&to=2026-01-01');
    assert.equal(bad.status, 400);
  });

  it('keeps the audit log for admins only', async () => {
    const res = await get('/v1/audit', t.tokens.admin);
    assert.equal(res.status, 200);
    validate('GET', '/v1/audit', 200, res.type, res.body);
    assert.deepEqual(
      res.body.entries.map((e: { action: string; actor: string; subject: string }) =>
        [e.action, e.actor, e.subject].join(' '),
      ),
      ['publish token:admin fleet@1.0.0'],
    );
    assert.equal((await get('/v1/audit')).status, 403);
    const waive = (await createApiToken(t.db, { name: 'audit-check', scopes: ['waive'] })).token;
    assert.equal((await get('/v1/audit', waive)).status, 403);
  });
});
