/**
 * prom-client metrics. One registry per process (or per app in tests, so they never collide);
 * `/metrics` serves it. Components add their metrics here so names stay consistent.
 */
import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  readonly registry: Registry;
  /** Seconds per HTTP request, labelled by method, route pattern (never the raw URL) and status. */
  readonly httpRequestDuration: Histogram<'method' | 'route' | 'status'>;
}

export interface MetricsOptions {
  /** Collect process metrics (CPU, memory, event loop lag, GC). Default true. */
  processMetrics?: boolean;
}

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.processMetrics ?? true)
    collectDefaultMetrics({ register: registry, prefix: 'steering_' });
  const httpRequestDuration = new Histogram({
    name: 'steering_http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  return { registry, httpRequestDuration };
}

export interface PoolUsage {
  total: number;
  idle: number;
  waiting: number;
  max: number;
}

/** Database pool gauges, read when /metrics is scraped. */
export function registerPoolMetrics(metrics: Metrics, usage: () => PoolUsage): void {
  const gauge = (name: string, help: string, pick: (u: PoolUsage) => number) =>
    new Gauge({
      name,
      help,
      registers: [metrics.registry],
      collect() {
        this.set(pick(usage()));
      },
    });
  gauge('steering_db_pool_connections', 'Open database connections', (u) => u.total);
  gauge('steering_db_pool_idle', 'Idle database connections', (u) => u.idle);
  gauge('steering_db_pool_waiting', 'Queries waiting for a database connection', (u) => u.waiting);
  gauge('steering_db_pool_max', 'Maximum database connections', (u) => u.max);
}

/** Anything that can count its jobs by state (a BullMQ Queue). */
export interface CountsJobs {
  getJobCounts(...states: string[]): Promise<Record<string, number>>;
}

const JOB_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed', 'paused'] as const;

/**
 * Jobs per queue and state, read from Redis when /metrics is scraped. A Redis that does not answer
 * leaves the gauge empty for that scrape rather than failing /metrics.
 */
export function registerQueueMetrics(metrics: Metrics, queues: Record<string, CountsJobs>): void {
  new Gauge({
    name: 'steering_queue_jobs',
    help: 'Jobs in each steering queue, by state',
    labelNames: ['queue', 'state'] as const,
    registers: [metrics.registry],
    async collect() {
      this.reset();
      await Promise.all(
        Object.entries(queues).map(async ([queue, q]) => {
          const counts = await Promise.race([
            q.getJobCounts(...JOB_STATES).catch(() => undefined),
            new Promise<undefined>((r) => setTimeout(() => r(undefined), 500).unref()),
          ]);
          for (const state of JOB_STATES) {
            if (counts?.[state] !== undefined) this.set({ queue, state }, counts[state]);
          }
        }),
      );
    },
  });
}
