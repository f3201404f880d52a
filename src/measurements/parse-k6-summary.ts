/**
 * k6's end-of-test summary as JSON, in both shapes k6 writes:
 * - `--summary-export FILE`: `metrics.<name>` holds the figures directly (`avg`, `med`, `p(95)`,
 *   `max`; counters `count`/`rate`; the rate `http_req_failed` as `value` with `passes` = failed
 *   requests);
 * - `handleSummary(data)` → `JSON.stringify(data)`: `metrics.<name>.values` holds them, and
 *   `state.testRunDurationMs` the duration.
 * Per-endpoint figures come from sub-metrics such as `http_req_duration{name:/health}` (k6 reports
 * a sub-metric when a threshold names it). Percentiles k6 was not asked for (`summaryTrendStats`)
 * are absent.
 */
import { asObject, compact, errorRate, readNumber } from './figures.js';
import { ReportFormatError, type EndpointFigures, type ReportFigures } from './types.js';

export function parseK6Summary(source: string, value: unknown): ReportFigures {
  const root = asObject(source, value, '(root)');
  const metrics = asObject(source, root.metrics, 'metrics');
  const values = (name: string): Record<string, unknown> | undefined => {
    const m = metrics[name];
    if (m === undefined) return undefined;
    const o = asObject(source, m, `metrics.${name}`);
    return o.values !== undefined ? asObject(source, o.values, `metrics.${name}.values`) : o;
  };
  const duration = values('http_req_duration');
  if (!duration)
    throw new ReportFormatError(
      source,
      'no http_req_duration metric (not a k6 HTTP test summary)',
      {
        field: 'metrics.http_req_duration',
      },
    );
  const reqs = values('http_reqs');
  const failed = values('http_req_failed');
  const requests = readNumber(source, reqs?.count, 'metrics.http_reqs.count') ?? 0;
  const rate =
    readNumber(source, failed?.rate ?? failed?.value, 'metrics.http_req_failed.rate') ?? 0;
  const failures = Math.round(rate * requests);
  const overall = trend(source, 'Aggregated', duration, 'metrics.http_req_duration', {
    requests,
    failures,
    throughput: readNumber(source, reqs?.rate, 'metrics.http_reqs.rate'),
  });
  const endpoints: EndpointFigures[] = [];
  for (const key of Object.keys(metrics)) {
    const m = /^http_req_duration\{(?:name|url):(.+)\}$/.exec(key);
    if (!m) continue;
    const name = m[1]!.trim();
    const sub = values(key)!;
    const subReqs = values(`http_reqs{name:${name}}`) ?? values(`http_reqs{url:${name}}`);
    const subFailed =
      values(`http_req_failed{name:${name}}`) ?? values(`http_req_failed{url:${name}}`);
    const n = readNumber(source, subReqs?.count, `metrics.http_reqs{name:${name}}.count`);
    const r = readNumber(
      source,
      subFailed?.rate ?? subFailed?.value,
      `metrics.http_req_failed{name:${name}}.rate`,
    );
    endpoints.push(
      trend(source, name, sub, `metrics.${key}`, {
        requests: n ?? 0,
        failures: n !== undefined && r !== undefined ? Math.round(r * n) : 0,
        throughput: readNumber(source, subReqs?.rate, `metrics.http_reqs{name:${name}}.rate`),
      }),
    );
  }
  const state = root.state === undefined ? {} : asObject(source, root.state, 'state');
  const ms = readNumber(source, state.testRunDurationMs, 'state.testRunDurationMs');
  const vus = values('vus_max');
  const load = readNumber(source, vus?.max ?? vus?.value, 'metrics.vus_max.max');
  const seconds =
    ms !== undefined
      ? ms / 1000
      : requests && overall.throughput
        ? requests / overall.throughput
        : undefined;
  return {
    format: 'k6-summary',
    source,
    ...(seconds !== undefined ? { durationSeconds: seconds } : {}),
    ...(load !== undefined ? { load } : {}),
    overall,
    endpoints,
  };
}

function trend(
  source: string,
  name: string,
  v: Record<string, unknown>,
  field: string,
  counts: { requests: number; failures: number; throughput: number | undefined },
): EndpointFigures {
  const n = (k: string) => readNumber(source, v[k], `${field}.${k}`);
  return compact({
    name,
    requests: counts.requests,
    failures: counts.failures,
    errorRate: errorRate(counts.requests, counts.failures),
    p50: n('med') ?? n('p(50)'),
    p90: n('p(90)'),
    p95: n('p(95)'),
    p99: n('p(99)'),
    max: n('max'),
    mean: n('avg'),
    throughput: counts.throughput,
  });
}
