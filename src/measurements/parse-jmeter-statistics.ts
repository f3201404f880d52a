/**
 * `statistics.json` of JMeter's HTML dashboard (`jmeter -g results.jtl -o report/`): one object
 * per sampler label plus `Total`, with `sampleCount`, `errorCount`, `errorPct`, `meanResTime`,
 * `medianResTime`, `maxResTime`, `pct1ResTime`/`pct2ResTime`/`pct3ResTime` (the 90th, 95th and 99th
 * percentiles unless `aggregate_rpt_pct1..3` were changed) and `throughput` (per second).
 */
import { asObject, compact, readNumber, requireNumber } from './figures.js';
import { ReportFormatError, type EndpointFigures, type ReportFigures } from './types.js';

export function parseJmeterStatistics(source: string, value: unknown): ReportFigures {
  const root = asObject(source, value, '(root)');
  if (!root.Total)
    throw new ReportFormatError(source, 'no "Total" entry (not a JMeter statistics.json)', {
      field: 'Total',
    });
  const read = (key: string): EndpointFigures => {
    const o = asObject(source, root[key], key);
    const n = (k: string) => readNumber(source, o[k], `${key}.${k}`);
    const requests = requireNumber(source, o.sampleCount, `${key}.sampleCount`);
    return compact({
      name: key === 'Total' ? 'Aggregated' : key,
      requests,
      failures: requireNumber(source, o.errorCount, `${key}.errorCount`),
      errorRate: requireNumber(source, o.errorPct, `${key}.errorPct`),
      p50: n('medianResTime'),
      p90: n('pct1ResTime'),
      p95: n('pct2ResTime'),
      p99: n('pct3ResTime'),
      max: n('maxResTime'),
      mean: n('meanResTime'),
      throughput: n('throughput'),
    });
  };
  const overall = read('Total');
  return {
    format: 'jmeter-statistics',
    source,
    ...(overall.throughput ? { durationSeconds: overall.requests / overall.throughput } : {}),
    overall,
    endpoints: Object.keys(root)
      .filter((k) => k !== 'Total')
      .map(read),
  };
}
