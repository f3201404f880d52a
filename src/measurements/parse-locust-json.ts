/**
 * Locust `--json` prints the list of its stats entries (`StatsEntry.serialize()`): per request
 * name and method, `num_requests`, `num_failures`, `max_response_time`, `total_response_time`,
 * `start_time` / `last_request_timestamp` (epoch seconds) and `response_times`, a histogram of
 * rounded milliseconds → count. Percentiles come from that histogram; the overall figures from
 * all entries merged.
 */
import { asObject, compact, errorRate, readNumber, requireNumber } from './figures.js';
import { ReportFormatError, type EndpointFigures, type ReportFigures } from './types.js';

interface Entry {
  name: string;
  method: string;
  requests: number;
  failures: number;
  max?: number;
  total: number;
  start?: number;
  last?: number;
  histogram: Map<number, number>;
}

export function parseLocustJson(source: string, value: unknown): ReportFigures {
  if (!Array.isArray(value))
    throw new ReportFormatError(source, 'expected the list Locust --json prints');
  const entries = value.map((raw, i) => readEntry(source, raw, i));
  if (!entries.length) throw new ReportFormatError(source, 'no stats entries', { field: '[0]' });
  const merged: Entry = {
    name: 'Aggregated',
    method: '',
    requests: 0,
    failures: 0,
    total: 0,
    histogram: new Map(),
  };
  for (const e of entries) {
    merged.requests += e.requests;
    merged.failures += e.failures;
    merged.total += e.total;
    if (e.max !== undefined) merged.max = Math.max(merged.max ?? 0, e.max);
    if (e.start !== undefined) merged.start = Math.min(merged.start ?? Infinity, e.start);
    if (e.last !== undefined) merged.last = Math.max(merged.last ?? 0, e.last);
    for (const [k, c] of e.histogram) merged.histogram.set(k, (merged.histogram.get(k) ?? 0) + c);
  }
  const duration =
    merged.start !== undefined && merged.last !== undefined && merged.last > merged.start
      ? merged.last - merged.start
      : undefined;
  return {
    format: 'locust-json',
    source,
    ...(duration !== undefined ? { durationSeconds: duration } : {}),
    overall: toFigures(merged, duration),
    endpoints: entries.map((e) => toFigures(e, duration)),
  };
}

function readEntry(source: string, raw: unknown, i: number): Entry {
  const o = asObject(source, raw, `[${i}]`);
  const f = (k: string) => `[${i}].${k}`;
  if (typeof o.name !== 'string')
    throw new ReportFormatError(source, 'expected a string', { field: f('name') });
  const histogram = new Map<number, number>();
  const times = asObject(source, o.response_times ?? {}, f('response_times'));
  for (const [k, c] of Object.entries(times)) {
    histogram.set(
      requireNumber(source, k, f(`response_times key`)),
      requireNumber(source, c, f(`response_times.${k}`)),
    );
  }
  const max = readNumber(source, o.max_response_time, f('max_response_time'));
  const start = readNumber(source, o.start_time, f('start_time'));
  const last = readNumber(source, o.last_request_timestamp, f('last_request_timestamp'));
  return {
    name: o.name,
    method: typeof o.method === 'string' ? o.method : '',
    requests: requireNumber(source, o.num_requests, f('num_requests')),
    failures: requireNumber(source, o.num_failures, f('num_failures')),
    total: readNumber(source, o.total_response_time, f('total_response_time')) ?? 0,
    histogram,
    ...(max !== undefined ? { max } : {}),
    ...(start !== undefined ? { start } : {}),
    ...(last !== undefined ? { last } : {}),
  };
}

function toFigures(e: Entry, duration: number | undefined): EndpointFigures {
  const q = (p: number) => histogramQuantile(e.histogram, p);
  return compact({
    name: e.method ? `${e.method} ${e.name}` : e.name,
    ...(e.method ? { method: e.method } : {}),
    requests: e.requests,
    failures: e.failures,
    errorRate: errorRate(e.requests, e.failures),
    p50: q(0.5),
    p90: q(0.9),
    p95: q(0.95),
    p99: q(0.99),
    max: e.max,
    mean: e.requests > 0 ? e.total / e.requests : undefined,
    throughput: duration ? e.requests / duration : undefined,
  });
}

/** Nearest-rank quantile over a value → count histogram. */
export function histogramQuantile(h: Map<number, number>, q: number): number | undefined {
  let count = 0;
  for (const c of h.values()) count += c;
  if (count === 0) return undefined;
  const rank = Math.max(1, Math.ceil(q * count));
  let seen = 0;
  const keys = [...h.keys()].sort((a, b) => a - b);
  for (const k of keys) {
    seen += h.get(k)!;
    if (seen >= rank) return k;
  }
  return keys[keys.length - 1];
}
