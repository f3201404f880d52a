import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileGuideline } from '../../src/guidelines/index.js';
import {
  decideMeasuredRule,
  mapReportToRules,
  parseReport,
  parseServiceConfig,
  ReportFormatError,
} from '../../src/measurements/index.js';

const root = join(import.meta.dirname, '..', '..');
const fixtures = join(root, 'test', 'fixtures', 'reports');
const rules = compileGuideline(readFileSync(join(root, 'guidelines', 'performance.md'), 'utf8'), {
  path: 'guidelines/performance.md',
}).document!.rules;
const byId = (id: string) => rules.find((r) => r.id === id)!;
const demoReport = () =>
  parseReport({
    name: 'payments_stats.csv',
    content: readFileSync(join(fixtures, 'locust-payments', 'payments_stats.csv'), 'utf8'),
  });
const demoConfig = () =>
  parseServiceConfig(readFileSync(join(fixtures, 'locust-payments', 'service.yaml'), 'utf8'));
const now = new Date('2026-06-01T12:00:00Z');

test('the demo Locust report decides the 8 latency and error-rate rules', async () => {
  const { measurements, problems } = mapReportToRules(rules, await demoReport(), demoConfig(), {
    measuredAt: now.toISOString(),
  });
  assert.deepEqual(problems, []);
  const got = Object.fromEntries(
    measurements.map((m) => [m.ruleId.replace('performance.', ''), [m.value, m.what]]),
  );
  assert.deepEqual(got, {
    'api-response-times.health-checks': [39, 'payments_stats.csv: GET /health p95'],
    'api-response-times.simple-queries': [73, 'payments_stats.csv: GET /payments/{id} p95'],
    'api-response-times.complex-queries': [
      210,
      'payments_stats.csv: GET /payments?customer&status p95',
    ],
    'api-response-times.data-mutations': [150, 'payments_stats.csv: POST /payments p95'],
    'api-response-times.bulk-operations': [2500, 'payments_stats.csv: POST /payments/bulk p95'],
    'api-response-times.file-uploads': [790, 'payments_stats.csv: POST /receipts/upload p95'],
    'service-level-agreements.response-time': [690, 'payments_stats.csv: all requests p95'],
    'service-level-agreements.error-rate': [
      (2 / 1686) * 100,
      'payments_stats.csv: all requests error rate',
    ],
  });
  const status = (id: string) =>
    decideMeasuredRule(
      byId(id),
      measurements.find((m) => m.ruleId === id)!,
      { now },
    ).status;
  assert.equal(status('performance.api-response-times.health-checks'), 'pass');
  assert.equal(status('performance.api-response-times.bulk-operations'), 'fail');
  assert.equal(status('performance.service-level-agreements.error-rate'), 'fail');
});

test('without service.yaml, requests nobody declared stay unmapped and say where to declare them', async () => {
  const { measurements, problems } = mapReportToRules(
    rules,
    await demoReport(),
    {},
    {
      measuredAt: now.toISOString(),
    },
  );
  const problem = (suffix: string) => problems.find((p) => p.ruleId.endsWith(suffix));
  assert.match(
    problem('simple-queries')!.message,
    /declared as "Simple queries \(single record\)".*service\.yaml/,
  );
  // default patterns still find health checks, bulk requests and uploads
  assert.ok(measurements.some((m) => m.ruleId.endsWith('health-checks')));
  assert.ok(measurements.some((m) => m.ruleId.endsWith('bulk-operations')));
  // POST /payments is the only mutation left once bulk and upload requests are claimed
  assert.equal(measurements.find((m) => m.ruleId.endsWith('data-mutations'))?.value, 150);
});

test('a request two default patterns claim is reported as ambiguous, never guessed', async () => {
  const report = await parseReport({
    name: 'stats.csv',
    content: [
      'Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%',
      'POST,/bulk-upload,10,0,5,5,1,9,10,1,0,5,5,5,5,8,9,9,9,9,9,9',
      ',Aggregated,10,0,5,5,1,9,10,1,0,5,5,5,5,8,9,9,9,9,9,9',
    ].join('\n'),
  });
  const { measurements, problems } = mapReportToRules(
    rules,
    report,
    {},
    {
      measuredAt: now.toISOString(),
    },
  );
  const bulk = problems.find((p) => p.ruleId.endsWith('api-response-times.bulk-operations'));
  assert.equal(bulk?.problem, 'ambiguous');
  assert.match(bulk.message, /"POST \/bulk-upload" matches file uploads and bulk operations/);
  assert.ok(!measurements.some((m) => m.ruleId.endsWith('file-uploads')));
});

test('a measurement older than the allowed age is stale, not pass', async () => {
  const { measurements } = mapReportToRules(rules, await demoReport(), demoConfig(), {
    measuredAt: '2026-05-01T00:00:00Z',
  });
  const m = measurements.find((x) => x.ruleId.endsWith('health-checks'))!;
  const d = decideMeasuredRule(byId(m.ruleId), m, { now });
  assert.equal(d.status, 'stale');
  assert.match(d.message, /measured 39 ms on 2026-05-01, older than 14 days/);
  assert.equal(decideMeasuredRule(byId(m.ruleId), m, { now, staleAfterDays: 60 }).status, 'pass');
});

test('the message carries the figure and the requirement', async () => {
  const { measurements } = mapReportToRules(rules, await demoReport(), demoConfig(), {
    measuredAt: now.toISOString(),
    context: 'CI run 77',
  });
  const m = measurements.find((x) => x.ruleId.endsWith('health-checks'))!;
  const d = decideMeasuredRule(byId(m.ruleId), m, { now });
  assert.equal(d.message, 'health checks p95 measured 39 ms; the rule requires < 50 ms');
  assert.equal(d.evidence[0]!.path, 'payments_stats.csv');
  assert.match(
    d.evidence[0]!.note,
    /load test over \d+s, measured 2026-06-01T12:00:00.000Z, CI run 77/,
  );
});

test('service.yaml problems name the line and field', () => {
  assert.throws(
    () =>
      parseServiceConfig(
        'endpoints:\n  Health checks: [GET /health]\nprometheus:\n  window: soon\n',
      ),
    (err: unknown) =>
      err instanceof ReportFormatError && err.field === 'prometheus.window' && err.line === 4,
  );
});
