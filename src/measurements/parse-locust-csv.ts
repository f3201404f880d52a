/**
 * Locust `--csv PREFIX` writes `PREFIX_stats.csv`: one row per request name (Type, Name, counts,
 * response times in ms, Requests/s, and percentile columns 50%…100%) and a last `Aggregated` row.
 * Times are milliseconds. The test's duration is the aggregated count over its rate.
 */
import { parse } from 'csv-parse/sync';
import { compact, errorRate, readNumber, requireNumber } from './figures.js';
import { ReportFormatError, type EndpointFigures, type ReportFigures } from './types.js';

const REQUIRED = ['Type', 'Name', 'Request Count', 'Failure Count', 'Max Response Time', '95%'];

export function parseLocustCsv(source: string, text: string): ReportFigures {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      info: true,
      skip_empty_lines: true,
      bom: true,
    }) as unknown as typeof records;
  } catch (err) {
    const e = err as { lines?: number; message: string };
    throw new ReportFormatError(source, e.message, e.lines ? { line: e.lines } : {});
  }
  const header = records[0]?.record;
  if (!header) throw new ReportFormatError(source, 'empty file', { line: 1 });
  const missing = REQUIRED.filter((c) => !header.includes(c));
  if (missing.length)
    throw new ReportFormatError(
      source,
      `not a Locust stats CSV: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
      { line: 1 },
    );
  const col = (name: string) => header.indexOf(name);
  let overall: EndpointFigures | undefined;
  const endpoints: EndpointFigures[] = [];
  for (const { record, info } of records.slice(1)) {
    const line = info.lines;
    const get = (name: string) => (col(name) >= 0 ? record[col(name)] : undefined);
    const num = (name: string) => readNumber(source, get(name), name, line);
    const requests = requireNumber(source, get('Request Count'), 'Request Count', line);
    const failures = requireNumber(source, get('Failure Count'), 'Failure Count', line);
    const type = get('Type') ?? '';
    const name = get('Name') ?? '';
    const figures = compact({
      name: type ? `${type} ${name}` : name,
      ...(type ? { method: type } : {}),
      requests,
      failures,
      errorRate: errorRate(requests, failures),
      p50: num('50%'),
      p90: num('90%'),
      p95: num('95%'),
      p99: num('99%'),
      max: num('Max Response Time'),
      mean: num('Average Response Time'),
      throughput: num('Requests/s'),
    });
    if (name === 'Aggregated' && !type) overall = { ...figures, name: 'Aggregated' };
    else endpoints.push(figures);
  }
  if (!overall)
    throw new ReportFormatError(source, 'no "Aggregated" row (is this the _stats.csv file?)', {
      field: 'Name',
    });
  const durationSeconds =
    overall.throughput && overall.throughput > 0
      ? overall.requests / overall.throughput
      : undefined;
  return {
    format: 'locust-csv',
    source,
    ...(durationSeconds !== undefined ? { durationSeconds } : {}),
    overall,
    endpoints,
  };
}
