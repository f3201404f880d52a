/**
 * A small client of Prometheus's HTTP API (`/api/v1/query`): each query has a timeout (sent to
 * Prometheus as `timeout` and enforced locally), and queries to one Prometheus are spaced by a
 * minimum interval shared by every client of that URL in the process (the evaluation job runs
 * with concurrency 1, so this is the per-Prometheus rate limit). `fetch` is injectable.
 */
import { SteeringError } from '../errors.js';

export interface PrometheusClientOptions {
  url: string;
  /** Per query, ms. Default 10000. */
  timeoutMs?: number;
  /** Minimum gap between two queries to this URL, ms. Default 200. */
  minIntervalMs?: number;
  fetch?: typeof fetch;
}

export interface PrometheusClient {
  readonly url: string;
  /** The query's value at `time` (a scalar or a one-series vector); null when it has no data. */
  instant(query: string, time?: Date): Promise<number | null>;
}

/** Per URL: when the next query may start. */
const nextSlot = new Map<string, number>();

async function takeSlot(url: string, minIntervalMs: number): Promise<void> {
  const now = Date.now();
  const at = Math.max(now, nextSlot.get(url) ?? 0);
  nextSlot.set(url, at + minIntervalMs);
  if (at > now) await new Promise((r) => setTimeout(r, at - now));
}

export function createPrometheusClient(options: PrometheusClientOptions): PrometheusClient {
  const url = options.url.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 10_000;
  const minIntervalMs = options.minIntervalMs ?? 200;
  const doFetch = options.fetch ?? fetch;
  return {
    url,
    async instant(query, time) {
      await takeSlot(url, minIntervalMs);
      const params = new URLSearchParams({ query, timeout: `${Math.ceil(timeoutMs / 1000)}s` });
      if (time) params.set('time', String(time.getTime() / 1000));
      let res: Response;
      try {
        res = await doFetch(`${url}/api/v1/query`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: params,
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        throw new SteeringError(
          'PROMETHEUS_UNAVAILABLE',
          `Prometheus at ${url}: ${(err as Error).message}`,
          {
            transient: true,
            cause: err,
          },
        );
      }
      const body = (await res.json().catch(() => null)) as {
        status?: string;
        error?: string;
        data?: { resultType: string; result: unknown };
      } | null;
      if (res.status >= 500 || !body)
        throw new SteeringError(
          'PROMETHEUS_UNAVAILABLE',
          `Prometheus at ${url} answered ${res.status}`,
          {
            transient: true,
          },
        );
      if (body.status !== 'success')
        throw new SteeringError(
          'INVALID_INPUT',
          `PromQL refused by ${url}: ${body.error ?? res.status} (query: ${query})`,
        );
      return valueOf(body.data!);
    },
  };
}

function valueOf(data: { resultType: string; result: unknown }): number | null {
  if (data.resultType === 'scalar') return toNumber((data.result as [number, string])[1]);
  if (data.resultType === 'vector') {
    const series = data.result as { value: [number, string] }[];
    if (!series.length) return null;
    return toNumber(series[0]!.value[1]);
  }
  return null;
}

function toNumber(v: string): number | null {
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}
