import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ReportFormatError,
  parseReport,
  parseReportStream,
  type ReportFigures,
} from '../../src/measurements/index.js';

const dir = join(import.meta.dirname, '..', 'fixtures', 'reports');
const read = (name: string) => readFileSync(join(dir, name), 'utf8');
const parse = (name: string) => parseReport({ name, content: read(name) });
const endpoint = (r: ReportFigures, name: string) => {
  const e = r.endpoints.find((x) => x.name === name);
  assert.ok(e, `endpoint ${name} in ${r.endpoints.map((x) => x.name).join(', ')}`);
  return e;
};

test('JMeter JTL: nearest-rank percentiles per label, failures, duration and load', async () => {
  const r = await parse('jmeter-results.jtl');
  assert.equal(r.format, 'jmeter-jtl');
  const health = endpoint(r, 'GET /health');
  // 20 samples 1..20 ms: p50 = 10th value, p95 = 19th, max 20
  assert.deepEqual([health.requests, health.p50, health.p95, health.max], [20, 10, 19, 20]);
  const orders = endpoint(r, 'POST /orders');
  assert.deepEqual([orders.requests, orders.failures, orders.p90, orders.max], [10, 1, 900, 1000]);
  assert.equal(orders.errorRate, 10);
  assert.equal(r.overall.requests, 30);
  assert.equal(r.overall.failures, 1);
  assert.equal(r.load, 3);
  // first sample at +50 ms, last ends at +2000 + 1000 ms
  assert.equal(r.durationSeconds, 2.95);
});

test('JMeter JTL streams from a file the same as from text', async () => {
  const fromText = await parse('jmeter-results.jtl');
  const fromStream = await parseReportStream(
    'jmeter-results.jtl',
    createReadStream(join(dir, 'jmeter-results.jtl')),
  );
  assert.deepEqual(fromStream, fromText);
});

test('JMeter JTL: a bad elapsed value names the line and the field', async () => {
  const text = read('jmeter-results.jtl').replace('1700000000150,3,', '1700000000150,x3,');
  await assert.rejects(
    parseReport({ name: 'bad.jtl', content: text }),
    (err: unknown) =>
      err instanceof ReportFormatError &&
      err.line === 4 &&
      err.field === 'elapsed' &&
      /bad\.jtl:4: elapsed: expected a number, got "x3"/.test(err.message),
  );
});

test('JMeter statistics.json: pct1/2/3 are p90/p95/p99, Total is overall', async () => {
  const r = await parse('jmeter-statistics.json');
  assert.equal(r.format, 'jmeter-statistics');
  assert.equal(endpoint(r, 'GET /health').p95, 14);
  assert.equal(endpoint(r, 'POST /orders').p99, 905);
  assert.equal(r.overall.errorRate, 0.075);
  assert.equal(r.overall.throughput, 66.68);
});

test('k6 --summary-export: overall and per-name sub-metrics; http_req_failed passes are failures', async () => {
  const r = await parse('k6-summary-export.json');
  assert.equal(r.format, 'k6-summary');
  assert.equal(r.overall.p95, 84.9);
  assert.equal(r.overall.requests, 12000);
  assert.equal(r.overall.failures, 6);
  assert.equal(r.load, 50);
  const health = endpoint(r, 'GET /health');
  assert.deepEqual([health.p95, health.requests, health.failures], [21.6, 4000, 0]);
  assert.equal(r.endpoints.length, 1, 'expected_response:true is not an endpoint');
});

test('k6 handleSummary JSON: values objects and state.testRunDurationMs', async () => {
  const r = await parse('k6-handle-summary.json');
  assert.equal(r.durationSeconds, 60.0125);
  assert.equal(r.overall.p99, 402.1);
  assert.equal(r.overall.errorRate, 0.2);
  const orders = endpoint(r, 'POST /orders');
  assert.deepEqual([orders.p95, orders.requests, orders.failures], [260.7, 1500, 12]);
});

test('Artillery --output (recorded from a real run): per-endpoint figures and 5xx failures', async () => {
  const r = await parse('artillery-report.json');
  assert.equal(r.format, 'artillery-json');
  const raw = JSON.parse(read('artillery-report.json'));
  const s = raw.aggregate.summaries;
  assert.equal(r.overall.p95, s['http.response_time'].p95);
  assert.equal(r.overall.requests, raw.aggregate.counters['http.requests']);
  const orders = endpoint(r, 'POST /orders');
  // the test server answers POST /orders with 500
  assert.equal(orders.errorRate, 100);
  assert.equal(orders.p99, s['plugins.metrics-by-endpoint.response_time.POST /orders'].p99);
  assert.equal(endpoint(r, 'GET /health').failures, 0);
  assert.equal(r.load, 60);
});

test('Gatling js/stats.json: percentiles3/4 are p95/p99, ko counts are failures', async () => {
  const r = await parse('gatling-stats.json');
  assert.equal(r.format, 'gatling-stats');
  assert.deepEqual(
    [r.overall.requests, r.overall.failures, r.overall.p95, r.overall.p99, r.overall.max],
    [388, 1, 16059, 24858, 31323],
  );
  const home = endpoint(r, 'Getting Google Homepage');
  assert.equal(home.errorRate, 10);
  assert.equal(home.p50, 511);
});

test('an unknown file is refused with the formats it could be', async () => {
  await assert.rejects(
    parseReport({ name: 'notes.txt', content: 'hello' }),
    /notes\.txt:1: cannot tell the report format/,
  );
});

test('invalid JSON names the line', async () => {
  await assert.rejects(
    parseReport({ name: 'k6.json', content: '{\n "metrics": {\n  "http_reqs": ,\n}}' }),
    (err: unknown) => err instanceof ReportFormatError && err.line === 3,
  );
});

test('a k6 summary with a non-numeric figure names the field', async () => {
  const text = read('k6-summary-export.json').replace('"p(95)": 84.9', '"p(95)": "fast"');
  await assert.rejects(
    parseReport({ name: 'k6.json', content: text }),
    /k6\.json: metrics\.http_req_duration\.p\(95\): expected a number, got "fast"/,
  );
});
