// POST /v1/repositories/{owner}/{repo}/measurements end to end: a scanned repository, the demo's
// Locust report uploaded with a report token limited to that repository, the measured rules in
// GET …/compliance with their figures; malformed reports refused with nothing stored.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { silentLogger } from '../../src/log.js';
import { scanRepository } from '../../src/scans/index.js';
import { createApiToken } from '../../src/store/index.js';
import { createResponseValidator } from '../support/openapi.js';
import { createWorld, fixtureFiles, waitUntil, type World } from '../scans/world.js';

const demo = join(import.meta.dirname, '..', 'fixtures', 'reports', 'locust-payments');
const report = readFileSync(join(demo, 'payments_stats.csv'), 'utf8');
const serviceConfig = readFileSync(join(demo, 'service.yaml'), 'utf8');
const PATH = '/v1/repositories/{owner}/{repo}/measurements';

describe('measurements API', { timeout: 60_000 }, () => {
  let w: World;
  let reportToken: string;
  let otherToken: string;
  let readToken: string;
  let validate: ReturnType<typeof createResponseValidator>;
  let repoId: number;
  let head: string;

  before(async () => {
    w = await createWorld();
    const repo = await w.addRepo('payments', fixtureFiles('python-fastapi'));
    repoId = repo.id;
    head = repo.head;
    await w.addRepo('orders', fixtureFiles('node-express'));
    w.startWorker();
    reportToken = (
      await createApiToken(w.db, { name: 'ci', scopes: ['report'], repository: 'acme/payments' })
    ).token;
    otherToken = (
      await createApiToken(w.db, {
        name: 'ci-orders',
        scopes: ['report'],
        repository: 'acme/orders',
      })
    ).token;
    readToken = (await createApiToken(w.db, { name: 'reader', scopes: ['read'] })).token;
    validate = createResponseValidator((await request(w.app).get('/openapi.json')).body);
    await w.deliver('push', w.pushPayload('payments', '0'.repeat(40), repo.head));
    await waitUntil(
      'scanned',
      async () => (await w.count('scans WHERE check_run_id IS NOT NULL')) > 0,
    );
  });
  after(async () => {
    await w?.close();
  });

  const compliance = async () => {
    const res = await request(w.app)
      .get('/v1/repositories/acme/payments/compliance')
      .set('authorization', `Bearer ${readToken}`);
    assert.equal(res.status, 200);
    validate('GET', '/v1/repositories/{owner}/{repo}/compliance', 200, res.type, res.body);
    const rules = res.body.guidelines[0].rules as Array<{
      ruleId: string;
      status: string;
      message: string | null;
      evidence: Array<{ path: string; snippet?: string; note?: string }>;
    }>;
    return (id: string) => rules.find((r) => r.ruleId === `performance.${id}`)!;
  };

  it('a malformed report is a 422 naming the line, and nothing is stored', async () => {
    const bad = report.replace('GET,/health,314,0,', 'GET,/health,many,0,');
    const res = await request(w.app)
      .post('/v1/repositories/acme/payments/measurements')
      .set('authorization', `Bearer ${reportToken}`)
      .send({
        reports: [
          { name: 'good.csv', content: report },
          { name: 'payments_stats.csv', content: bad },
        ],
      });
    assert.equal(res.status, 422);
    validate('POST', PATH, 422, res.type, res.body);
    assert.equal(res.body.code, 'INVALID_REPORT');
    assert.deepEqual(res.body.details, {
      file: 'payments_stats.csv',
      line: 2,
      field: 'Request Count',
    });
    assert.match(
      res.body.detail,
      /payments_stats\.csv:2: Request Count: expected a number, got "many"/,
    );
    assert.equal(await w.count('measurement_uploads'), 0);
    assert.equal(await w.count('measured_values'), 0);
  });

  it('before any upload the latency rules are unchecked', async () => {
    const rule = await compliance();
    assert.equal(rule('api-response-times.bulk-operations').status, 'unchecked');
  });

  it('uploads the Locust report: latency rules pass or fail with the measured figure', async () => {
    const res = await request(w.app)
      .post('/v1/repositories/acme/payments/measurements')
      .set('authorization', `Bearer ${reportToken}`)
      .send({
        sha: 'abc1234',
        context: 'https://ci.example/run/77',
        serviceConfig,
        reports: [{ name: 'payments_stats.csv', content: report }],
      });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    validate('POST', PATH, 201, res.type, res.body);
    assert.deepEqual(res.body.problems, []);
    assert.equal(res.body.measured.length, 8);
    assert.equal(res.body.reports[0].format, 'locust-csv');

    const rule = await compliance();
    const bulk = rule('api-response-times.bulk-operations');
    assert.equal(bulk.status, 'fail');
    assert.equal(
      bulk.message,
      'bulk operations p95 measured 2500 ms; the rule requires < 2000 ms (missed)',
    );
    assert.equal(bulk.evidence[0]!.path, 'payments_stats.csv');
    assert.match(bulk.evidence[0]!.note!, /https:\/\/ci\.example\/run\/77, commit abc1234/);
    assert.equal(rule('api-response-times.simple-queries').status, 'pass');
    assert.equal(rule('service-level-agreements.error-rate').status, 'fail');
    // the raw report is kept
    const raw = await w.db.query<{ raw: string }>('SELECT raw FROM measurement_reports');
    assert.equal(raw.rows[0]!.raw, report);
  });

  it('a rescan keeps the measured statuses', async () => {
    const scansBefore = await w.count('scans');
    const outcome = await scanRepository(
      { db: w.db, github: w.github, checks: w.checks, logger: silentLogger },
      { repositoryId: repoId, sha: head, trigger: 'manual', force: true },
    );
    assert.equal(outcome.kind, 'scanned');
    assert.ok((await w.count('scans WHERE finished_at IS NOT NULL')) >= scansBefore);
    const rule = await compliance();
    assert.equal(rule('api-response-times.health-checks').status, 'pass');
    assert.equal(rule('api-response-times.bulk-operations').status, 'fail');
    // the scan's own finding underneath is unchanged: the files cannot measure latency
    const f = await w.db.query<{ status: string }>(
      `SELECT f.status FROM findings f JOIN rule_status rs ON rs.scan_id = f.scan_id AND rs.rule_id = f.rule_id
       WHERE f.rule_id = 'performance.api-response-times.bulk-operations'`,
    );
    assert.equal(f.rows[0]!.status, 'unchecked');
  });

  it("a scan keeps the repository's .steering/service.yaml for uploads and Prometheus", async () => {
    const yaml = 'prometheus:\n  selector: \'namespace="ledger"\'\n';
    const ledger = await w.addRepo('ledger', {
      ...fixtureFiles('node-express'),
      '.steering/service.yaml': yaml,
    });
    const outcome = await scanRepository(
      { db: w.db, github: w.github, checks: w.checks, logger: silentLogger },
      { repositoryId: ledger.id, sha: ledger.head, trigger: 'manual' },
    );
    assert.equal(outcome.kind, 'scanned');
    const row = await w.db.query<{ source: string; sha: string }>(
      'SELECT source, sha FROM service_configs WHERE repository_id = $1',
      [ledger.id],
    );
    assert.deepEqual(row.rows[0], { source: yaml, sha: ledger.head });
  });

  it('a report token is limited to its repository and read tokens cannot upload', async () => {
    const other = await request(w.app)
      .post('/v1/repositories/acme/payments/measurements')
      .set('authorization', `Bearer ${otherToken}`)
      .send({ reports: [{ name: 'payments_stats.csv', content: report }] });
    assert.equal(other.status, 403);
    assert.match(other.body.detail, /acme\/orders only/);
    const reader = await request(w.app)
      .post('/v1/repositories/acme/payments/measurements')
      .set('authorization', `Bearer ${readToken}`)
      .send({ reports: [{ name: 'payments_stats.csv', content: report }] });
    assert.equal(reader.status, 403);
  });
});
