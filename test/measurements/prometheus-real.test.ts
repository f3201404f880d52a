/**
 * The Prometheus evaluator against the real thing: the Debian `prometheus` binary (installed by
 * .ci/run) started on loopback with a 1 s scrape of a small prom-client server this test starts
 * (request histograms and counters by status, cAdvisor / kube-state-metrics style CPU and memory
 * series), under load the test generates. The test waits for scrapes by asking Prometheus's API,
 * then evaluates the performance guideline's threshold rules with PromQL and checks the statuses
 * in the repository's latest status; stopping Prometheus turns its figures stale, never failed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { compileGuideline } from '../../src/guidelines/index.js';
import { silentLogger } from '../../src/log.js';
import {
  createPrometheusClient,
  evaluatePrometheus,
  type EvaluationResult,
} from '../../src/measurements/index.js';
import { publishGuideline } from '../../src/publish/index.js';
import { putServiceConfig, saveScanResults, upsertRepository } from '../../src/store/index.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

const root = join(import.meta.dirname, '..', '..');
const guideline = readFileSync(join(root, 'guidelines', 'performance.md'), 'utf8');
const REPO_ID = 4242;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** The service stand-in: its own request metrics plus container-style CPU and memory series. */
function startService(): Promise<{
  server: Server;
  url: string;
  served: { total: number; failed: number };
}> {
  const registry = new Registry();
  const requests = new Histogram({
    name: 'http_server_requests_seconds',
    help: 'request durations',
    labelNames: ['uri', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });
  const started = Date.now();
  let cpuSeconds = 0;
  new Counter({
    name: 'container_cpu_usage_seconds_total',
    help: 'cpu',
    labelNames: ['container'],
    registers: [registry],
    collect() {
      // 0.35 cores busy: 35% of the 1-core limit
      const target = ((Date.now() - started) / 1000) * 0.35;
      this.inc({ container: 'app' }, target - cpuSeconds);
      cpuSeconds = target;
    },
  });
  const limits = new Gauge({
    name: 'kube_pod_container_resource_limits',
    help: 'limits',
    labelNames: ['resource'],
    registers: [registry],
  });
  limits.set({ resource: 'cpu' }, 1);
  limits.set({ resource: 'memory' }, 1e9);
  new Gauge({
    name: 'container_memory_working_set_bytes',
    help: 'memory',
    labelNames: ['container'],
    registers: [registry],
  }).set({ container: 'app' }, 0.6e9);
  const served = { total: 0, failed: 0 };
  let orders = 0;
  // eslint-disable-next-line @typescript-eslint/no-misused-promises -- a failed answer fails the request the test awaits
  const server = createServer(async (req, res) => {
    if (req.url === '/metrics') {
      res.setHeader('content-type', registry.contentType);
      res.end(await registry.metrics());
      return;
    }
    // durations are recorded as the handler's nominal time (2 ms, 30 ms), not the wall clock,
    // so the quantiles do not depend on how busy the machine is
    served.total++;
    if (req.url === '/health') {
      requests.observe({ uri: '/health', status: '200' }, 0.002);
      res.end('ok');
      return;
    }
    const status = ++orders % 10 === 0 ? 500 : 200;
    if (status === 500) served.failed++;
    requests.observe({ uri: '/orders', status: String(status) }, 0.03);
    res.statusCode = status;
    res.end();
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        server,
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        served,
      }),
    ),
  );
}

describe('Prometheus evaluation against a real Prometheus', { timeout: 90_000 }, () => {
  let t: TestDatabase;
  let service: Awaited<ReturnType<typeof startService>>;
  let prometheus: ChildProcess;
  let promUrl: string;
  let dir: string;
  let first: EvaluationResult;

  const query = async (q: string): Promise<number> => {
    const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(q)}`);
    const body = (await res.json()) as { data: { result: { value: [number, string] }[] } };
    return Number(body.data.result[0]?.value[1] ?? 0);
  };
  const status = async (suffix: string) => {
    const r = await t.db.query<{ status: string; message: string | null; evidence: unknown[] }>(
      `SELECT status, message, evidence FROM rule_status WHERE rule_id = $1`,
      [`performance.${suffix}`],
    );
    return r.rows[0]!;
  };

  before(async () => {
    service = await startService();
    dir = await mkdtemp(join(tmpdir(), 'steering-prom-'));
    const port = await freePort();
    promUrl = `http://127.0.0.1:${port}`;
    await writeFile(
      join(dir, 'prometheus.yml'),
      `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: payments\n    static_configs:\n      - targets: ['${new URL(service.url).host}']\n`,
    );
    prometheus = spawn(
      'prometheus',
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: 'ignore' },
    );
    const spawnError = new Promise<never>((_, reject) =>
      prometheus.once('error', (err) =>
        reject(
          new Error(
            `cannot start prometheus (apt-get install prometheus; .ci/run does it): ${err.message}`,
          ),
        ),
      ),
    );
    // wait for events, not clocks: Prometheus ready, then enough scrapes of the load
    const ready = (async () => {
      for (;;) {
        const ok = await fetch(`${promUrl}/-/ready`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) return;
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    await Promise.race([ready, spawnError]);
    for (;;) {
      await Promise.all([
        ...Array.from({ length: 20 }, () => fetch(`${service.url}/health`).then((r) => r.text())),
        ...Array.from({ length: 10 }, () => fetch(`${service.url}/orders`).then((r) => r.text())),
      ]);
      const scrapes = await query(
        'count_over_time(http_server_requests_seconds_count{job="payments",uri="/orders",status="500"}[1m])',
      );
      if (scrapes >= 4) break;
    }

    t = await createTestDatabase();
    await publishGuideline(t.db, {
      source: guideline,
      path: 'guidelines/performance.md',
      publisher: 'test',
    });
    await upsertRepository(t.db, {
      id: REPO_ID,
      owner: 'acme',
      name: 'payments',
      defaultBranch: 'main',
      archived: false,
      fork: false,
      topics: [],
      installationId: 1,
    });
    const rules = compileGuideline(guideline, { path: 'guidelines/performance.md' }).document!
      .rules;
    await t.db.transaction((tx) =>
      saveScanResults(tx, {
        repositoryId: REPO_ID,
        sha: 'a'.repeat(40),
        trigger: 'manual',
        deliveryId: null,
        startedAt: new Date(),
        results: [
          {
            guideline: 'performance',
            version: '1.0.0',
            tracks: ['latest'],
            summary: {},
            findings: rules.map((r) => ({
              ruleId: r.id,
              status: 'unchecked',
              level: r.level,
              message: 'no file decides this',
              evidence: [],
            })),
          },
        ],
      }),
    );
    await putServiceConfig(
      t.db,
      REPO_ID,
      'prometheus:\n  selector: \'job="payments"\'\n  window: 1m\n  step: 1s\n  rateWindow: 5s\n',
      null,
    );
    first = await evaluatePrometheus(
      {
        db: t.db,
        client: createPrometheusClient({ url: promUrl, timeoutMs: 5000, minIntervalMs: 10 }),
        logger: silentLogger,
      },
      REPO_ID,
    );
  });
  after(async () => {
    prometheus?.kill('SIGTERM');
    service?.server.close();
    await t?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('latency quantiles from histograms: health checks and overall p95', async () => {
    const m = (suffix: string) => first.measured.find((x) => x.ruleId === `performance.${suffix}`);
    const health = m('api-response-times.health-checks')!;
    assert.ok(health, JSON.stringify(first.problems));
    assert.match(health.what, /histogram_quantile\(0\.95, .*uri=~"\/health/);
    assert.ok(
      health.value > 0 && health.value <= 5,
      `health p95 ${health.value} ms in the first bucket`,
    );
    assert.equal((await status('api-response-times.health-checks')).status, 'pass');
    // a third of the requests are 30 ms orders: the overall p95 lies in the 25–50 ms bucket
    const overall = m('service-level-agreements.response-time')!;
    assert.ok(overall.value > 25 && overall.value <= 50, `overall p95 ${overall.value}`);
  });

  it('error rate and availability from request counters by status fail (one order in ten is a 500)', async () => {
    const err = first.measured.find((x) =>
      x.ruleId.endsWith('service-level-agreements.error-rate'),
    )!;
    assert.ok(err.value > 0.1, `error rate ${err.value}%`);
    const row = await status('service-level-agreements.error-rate');
    assert.equal(row.status, 'fail');
    assert.match(
      row.message!,
      /^error rate measured [\d.]+%; the rule requires < 0.1% \(missed\)$/,
    );
    assert.equal((await status('service-level-agreements.api-availability')).status, 'fail');
  });

  it('CPU and memory against limits: averages, peaks and alert conditions', async () => {
    const v = (suffix: string) => first.measured.find((x) => x.ruleId === `performance.${suffix}`)!;
    assert.match(v('cpu-utilization.peak-load').what, /^max_over_time\(/);
    assert.match(v('cpu-utilization.normal-operation').what, /^avg_over_time\(/);
    assert.match(
      v('cpu-utilization.alert-threshold').what,
      /^max_over_time\(min_over_time\(.*\[5m:1s\]\)\[1m:1s\]\)/,
    );
    // the service reports 0.35 of a 1-core limit and 0.6 GB of 1 GB
    const cpu = v('cpu-utilization.peak-load').value;
    assert.ok(cpu > 15 && cpu < 70, `cpu ${cpu}%`);
    assert.equal(Math.round(v('memory-utilization.normal-operation').value), 60);
    for (const rule of [
      'cpu-utilization.normal-operation',
      'cpu-utilization.peak-load',
      'cpu-utilization.sustained-high-load',
      'cpu-utilization.alert-threshold',
      'memory-utilization.normal-operation',
      'memory-utilization.peak-load',
      'memory-utilization.memory-leak-detection',
    ])
      assert.equal((await status(rule)).status, 'pass', rule);
  });

  it('rules without series are left unchecked and say which query had no data', async () => {
    const p = first.problems.find((x) =>
      x.ruleId.endsWith('database-query-performance.simple-select-queries'),
    );
    assert.match(
      p!.message,
      /no data for histogram_quantile\(0\.95, .*db_query_duration_seconds_bucket\{job="payments", operation="select"\}/,
    );
    assert.equal(
      (await status('database-query-performance.simple-select-queries')).status,
      'unchecked',
    );
    assert.match(
      first.problems.find((x) => x.ruleId.endsWith('bandwidth-utilization'))!.message,
      /bandwidthBitsPerSecond/,
    );
  });

  it('a Prometheus outage marks its figures stale, never failed', async () => {
    prometheus.kill('SIGTERM');
    await new Promise((r) => prometheus.once('exit', r));
    const second = await evaluatePrometheus(
      {
        db: t.db,
        client: createPrometheusClient({ url: promUrl, timeoutMs: 2000, minIntervalMs: 0 }),
        logger: silentLogger,
      },
      REPO_ID,
    );
    assert.match(second.outage ?? '', /Prometheus at http:\/\/127\.0\.0\.1:\d+/);
    const row = await status('service-level-agreements.error-rate');
    assert.equal(row.status, 'stale');
    assert.match(row.message!, /did not answer/);
    const failing = await t.db.query(
      `SELECT rule_id FROM rule_status WHERE status = 'fail' AND rule_id = ANY($1)`,
      [first.measured.map((m) => m.ruleId)],
    );
    assert.deepEqual(failing.rows, []);
  });
});
