/**
 * The demo's stand-in for a running `payments` service as Prometheus sees it: a loopback `/metrics`
 * (prom-client) with the series the PromQL templates read, fed by a timer with steady synthetic
 * traffic: request histograms by status, database and outbound-call histograms, cAdvisor /
 * kube-state-metrics CPU, memory and network series, JVM GC time and a HikariCP pool. Memory sits
 * at 75% of its limit and bulk queries at ~1.2 s, so two rules fail.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 1.5, 2.5, 5];

export interface DemoMetricsService {
  /** host:port to scrape. */
  target: string;
  close(): Promise<void>;
}

export async function startDemoMetricsService(): Promise<DemoMetricsService> {
  const registry = new Registry();
  registerResourceMetrics(registry);
  const traffic = simulateTraffic(registry);
  const server: Server = createServer((req, res) => serveMetrics(registry, req.url, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    target: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      clearInterval(traffic);
      await new Promise((r) => server.close(r));
    },
  };
}

/** Resource use: counters growing with wall time at a fixed rate per second, and fixed gauges. */
function registerResourceMetrics(registry: Registry): void {
  const started = Date.now();
  const perSecond = (name: string, labels: Record<string, string>, rate: number) => {
    let done = 0;
    new Counter({
      name,
      help: name,
      labelNames: Object.keys(labels),
      registers: [registry],
      collect() {
        const target = ((Date.now() - started) / 1000) * rate;
        this.inc(labels, target - done);
        done = target;
      },
    });
  };
  perSecond('container_cpu_usage_seconds_total', { container: 'app' }, 0.45);
  perSecond('process_cpu_seconds_total', {}, 0.45);
  perSecond('jvm_gc_pause_seconds_sum', {}, 0.02);
  perSecond('container_network_receive_bytes_total', {}, 30e6);
  perSecond('container_network_transmit_bytes_total', {}, 30e6);
  const gauge = (name: string, labels: Record<string, string>, value: number) => {
    const g = new Gauge({
      name,
      help: name,
      labelNames: Object.keys(labels),
      registers: [registry],
    });
    g.set(labels, value);
    return g;
  };
  const limits = gauge('kube_pod_container_resource_limits', { resource: 'cpu' }, 1);
  limits.set({ resource: 'memory' }, 2e9);
  gauge('container_memory_working_set_bytes', { container: 'app' }, 1.5e9);
  gauge('hikaricp_connections_active', {}, 7);
  gauge('hikaricp_connections_max', {}, 10);
}

/** Latency histograms fed 500 observations a second (steady, slightly jittered); the timer. */
function simulateTraffic(registry: Registry): NodeJS.Timeout {
  const h = (name: string, label: string) =>
    new Histogram({
      name,
      help: name,
      labelNames: [label],
      buckets: BUCKETS,
      registers: [registry],
    });
  const requests = h('http_server_requests_seconds', 'status');
  const queries = h('db_query_duration_seconds', 'operation');
  const calls = h('http_client_requests_seconds', 'peer');
  let n = 0;
  const jitter = () => 0.8 + ((n * 7919) % 400) / 1000;
  return setInterval(() => {
    for (let i = 0; i < 50; i++, n++) {
      requests.observe({ status: n % 2500 === 0 ? '500' : '200' }, 0.04 * jitter());
      queries.observe({ operation: 'select' }, 0.004 * jitter());
      queries.observe({ operation: 'join' }, 0.06 * jitter());
      queries.observe({ operation: 'insert' }, 0.02 * jitter());
      if (i % 10 === 0) queries.observe({ operation: 'bulk' }, 1.2 * jitter());
      calls.observe({ peer: 'internal' }, 0.04 * jitter());
      if (i % 5 === 0) calls.observe({ peer: 'external' }, 0.9 * jitter());
    }
  }, 100);
}

function serveMetrics(registry: Registry, url: string | undefined, res: ServerResponse): void {
  if (url !== '/metrics') {
    res.statusCode = 404;
    res.end();
    return;
  }
  registry.metrics().then(
    (text) => {
      res.setHeader('content-type', registry.contentType);
      res.end(text);
    },
    (err: Error) => {
      res.statusCode = 500;
      res.end(err.message);
    },
  );
}
