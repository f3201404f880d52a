/**
 * Artillery 2 `artillery run --output report.json`: `aggregate.counters` (`http.requests`,
 * `http.codes.<status>`, `errors.<code>`, `vusers.created`), `aggregate.rates.http.request_rate`,
 * `aggregate.summaries["http.response_time"]` (`p50`, `p90`, `p95`, `p99`, `max`, `mean`, in ms) and,
 * with the metrics-by-endpoint plugin, the same per endpoint under
 * `plugins.metrics-by-endpoint.response_time.<name>` and `plugins.metrics-by-endpoint.<name>.codes.<status>`.
 * A failure is a 4xx/5xx response or a request error (timeout, refused connection).
 */
import { asObject, compact, errorRate, readNumber } from './figures.js';
import { ReportFormatError, type EndpointFigures, type ReportFigures } from './types.js';

const BY_ENDPOINT = 'plugins.metrics-by-endpoint.';

export function parseArtillery(source: string, value: unknown): ReportFigures {
  const root = asObject(source, value, '(root)');
  const agg = asObject(source, root.aggregate, 'aggregate');
  const counters = asObject(source, agg.counters ?? {}, 'aggregate.counters');
  const summaries = asObject(source, agg.summaries ?? {}, 'aggregate.summaries');
  const rates = asObject(source, agg.rates ?? {}, 'aggregate.rates');
  const rt = summaries['http.response_time'];
  if (rt === undefined)
    throw new ReportFormatError(source, 'no http.response_time summary (not an HTTP test report)', {
      field: 'aggregate.summaries["http.response_time"]',
    });
  const count = (k: string) => readNumber(source, counters[k], `aggregate.counters["${k}"]`) ?? 0;
  /** 4xx/5xx responses under `codes` plus request errors under `errors`. */
  const failuresWith = (codes: string, errors: string) =>
    Object.keys(counters)
      .filter(
        (k) =>
          (k.startsWith(codes) && Number(k.slice(codes.length)) >= 400) || k.startsWith(errors),
      )
      .reduce((sum, k) => sum + count(k), 0);
  const first = readNumber(
    source,
    agg.firstMetricAt ?? agg.firstCounterAt,
    'aggregate.firstMetricAt',
  );
  const last = readNumber(source, agg.lastMetricAt ?? agg.lastCounterAt, 'aggregate.lastMetricAt');
  const seconds =
    first !== undefined && last !== undefined && last > first ? (last - first) / 1000 : undefined;
  const requests = count('http.requests');
  const overall = summary(source, 'Aggregated', rt, 'aggregate.summaries["http.response_time"]', {
    requests,
    failures: failuresWith('http.codes.', 'errors.'),
    throughput:
      readNumber(source, rates['http.request_rate'], 'aggregate.rates["http.request_rate"]') ??
      (seconds ? requests / seconds : undefined),
  });
  const endpoints: EndpointFigures[] = [];
  for (const key of Object.keys(summaries)) {
    if (!key.startsWith(`${BY_ENDPOINT}response_time.`)) continue;
    const name = key.slice(`${BY_ENDPOINT}response_time.`.length);
    const prefix = `${BY_ENDPOINT}${name}.`;
    const responses = Object.keys(counters)
      .filter((k) => k.startsWith(`${prefix}codes.`))
      .reduce((sum, k) => sum + count(k), 0);
    const errors = Object.keys(counters)
      .filter((k) => k.startsWith(`${prefix}errors.`))
      .reduce((sum, k) => sum + count(k), 0);
    const n = responses + errors;
    endpoints.push(
      summary(source, name, summaries[key], `aggregate.summaries["${key}"]`, {
        requests: n,
        failures: failuresWith(`${prefix}codes.`, `${prefix}errors.`),
        throughput: seconds ? n / seconds : undefined,
      }),
    );
  }
  const load = readNumber(
    source,
    counters['vusers.created'],
    'aggregate.counters["vusers.created"]',
  );
  return {
    format: 'artillery-json',
    source,
    ...(seconds !== undefined ? { durationSeconds: seconds } : {}),
    ...(load !== undefined ? { load } : {}),
    overall,
    endpoints,
  };
}

function summary(
  source: string,
  name: string,
  raw: unknown,
  field: string,
  counts: { requests: number; failures: number; throughput: number | undefined },
): EndpointFigures {
  const o = asObject(source, raw, field);
  const n = (k: string) => readNumber(source, o[k], `${field}.${k}`);
  return compact({
    name,
    requests: counts.requests,
    failures: counts.failures,
    errorRate: errorRate(counts.requests, counts.failures),
    p50: n('p50') ?? n('median'),
    p90: n('p90'),
    p95: n('p95'),
    p99: n('p99'),
    max: n('max'),
    mean: n('mean'),
    throughput: counts.throughput,
  });
}
