/**
 * Gatling's HTML report keeps its figures in `js/stats.json`: a tree of groups and requests, each
 * with `stats.numberOfRequests.{total,ok,ko}`, `maxResponseTime`, `meanResponseTime`,
 * `percentiles1..4` (50th, 75th, 95th and 99th by default, `gatling.charting.indicators.percentile1..4`)
 * and `meanNumberOfRequestsPerSecond`, each split into total/ok/ko. Older reports write the numbers
 * as strings; "-" means none. Requests are collected from every group level.
 */
import { asObject, compact, errorRate, readNumber, requireNumber } from './figures.js';
import { ReportFormatError, type EndpointFigures, type ReportFigures } from './types.js';

export function parseGatlingStats(source: string, value: unknown): ReportFigures {
  const root = asObject(source, value, '(root)');
  if (root.type !== 'GROUP' || root.stats === undefined)
    throw new ReportFormatError(source, 'expected the root GROUP of Gatling js/stats.json', {
      field: 'type',
    });
  const overall = { ...read(source, root.stats, 'stats'), name: 'Aggregated' };
  const endpoints: EndpointFigures[] = [];
  const walk = (node: Record<string, unknown>, field: string, prefix: string) => {
    if (node.contents === undefined) return;
    const contents = asObject(source, node.contents, `${field}.contents`);
    for (const [key, child] of Object.entries(contents)) {
      const c = asObject(source, child, `${field}.contents.${key}`);
      const name = typeof c.name === 'string' ? c.name : key;
      if (c.type === 'REQUEST')
        endpoints.push({
          ...read(source, c.stats, `${field}.contents.${key}.stats`),
          name: prefix + name,
        });
      else walk(c, `${field}.contents.${key}`, `${prefix}${name} / `);
    }
  };
  walk(root, '(root)', '');
  return {
    format: 'gatling-stats',
    source,
    ...(overall.throughput ? { durationSeconds: overall.requests / overall.throughput } : {}),
    overall,
    endpoints,
  };
}

function read(source: string, raw: unknown, field: string): EndpointFigures {
  const s = asObject(source, raw, field);
  const total = (k: string) => {
    if (s[k] === undefined) return undefined;
    return readNumber(source, asObject(source, s[k], `${field}.${k}`).total, `${field}.${k}.total`);
  };
  const counts = asObject(source, s.numberOfRequests, `${field}.numberOfRequests`);
  const requests = requireNumber(source, counts.total, `${field}.numberOfRequests.total`);
  const failures = requireNumber(source, counts.ko, `${field}.numberOfRequests.ko`);
  return compact({
    name: typeof s.name === 'string' ? s.name : '',
    requests,
    failures,
    errorRate: errorRate(requests, failures),
    p50: total('percentiles1'),
    p95: total('percentiles3'),
    p99: total('percentiles4'),
    max: total('maxResponseTime'),
    mean: total('meanResponseTime'),
    throughput: total('meanNumberOfRequestsPerSecond'),
  });
}
