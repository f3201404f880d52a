/**
 * What a load-test report becomes once read: per-endpoint and overall figures in one shape, whatever
 * tool wrote it. Times are milliseconds, rates are percentages (0-100), throughput is requests per
 * second. A figure the format does not carry is absent, never zero.
 */

export const REPORT_FORMATS = [
  'locust-csv',
  'locust-json',
  'k6-summary',
  'jmeter-jtl',
  'jmeter-statistics',
  'artillery-json',
  'gatling-stats',
] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface EndpointFigures {
  /** The request's name as the tool reports it (`GET /health`, a JMeter label, a k6 tag). */
  name: string;
  /** HTTP method when the format separates it. */
  method?: string;
  requests: number;
  failures: number;
  /** failures / requests × 100. */
  errorRate: number;
  p50?: number;
  p90?: number;
  p95?: number;
  p99?: number;
  max?: number;
  mean?: number;
  /** Requests per second over the test. */
  throughput?: number;
}

export interface ReportFigures {
  format: ReportFormat;
  /** File name the figures were read from. */
  source: string;
  /** Test duration in seconds, when the report says. */
  durationSeconds?: number;
  /** Concurrent users / virtual users, when the report says. */
  load?: number;
  overall: EndpointFigures;
  endpoints: EndpointFigures[];
}

/** A report that cannot be read: where, and what is wrong. Becomes a 422 problem. */
export class ReportFormatError extends Error {
  readonly source: string;
  readonly line: number | undefined;
  readonly field: string | undefined;
  constructor(source: string, message: string, where: { line?: number; field?: string } = {}) {
    const at = where.line !== undefined ? `${source}:${where.line}` : source;
    super(`${at}: ${where.field ? `${where.field}: ` : ''}${message}`);
    this.name = 'ReportFormatError';
    this.source = source;
    this.line = where.line;
    this.field = where.field;
  }
}
