/**
 * One entry for every report format: tells the format from the file's first bytes (or takes it
 * from the caller), then reads it. JMeter JTLs are read as a stream; the JSON formats and Locust's
 * stats CSV are small summaries and are read whole. A file that is no known format, or a malformed
 * one, throws `ReportFormatError` naming the file and the line or field.
 */
import type { Readable } from 'node:stream';
import { locateJsonError } from './locate-json-error.js';
import { parseArtillery } from './parse-artillery.js';
import { parseGatlingStats } from './parse-gatling-stats.js';
import { looksLikeJtl, parseJmeterJtl } from './parse-jmeter-jtl.js';
import { parseJmeterStatistics } from './parse-jmeter-statistics.js';
import { parseK6Summary } from './parse-k6-summary.js';
import { parseLocustCsv } from './parse-locust-csv.js';
import { parseLocustJson } from './parse-locust-json.js';
import {
  REPORT_FORMATS,
  ReportFormatError,
  type ReportFigures,
  type ReportFormat,
} from './types.js';

export interface ReportInput {
  /** File name (shown in errors and evidence). */
  name: string;
  content: string | Buffer;
  /** Skip detection. */
  format?: ReportFormat;
}

export async function parseReport(input: ReportInput): Promise<ReportFigures> {
  const text = typeof input.content === 'string' ? input.content : input.content.toString('utf8');
  const format = input.format ?? detectFormat(input.name, text);
  if (format === 'jmeter-jtl') return parseJmeterJtl(input.name, text);
  if (format === 'locust-csv') return parseLocustCsv(input.name, text);
  const value = parseJson(input.name, text);
  switch (format) {
    case 'locust-json':
      return parseLocustJson(input.name, value);
    case 'k6-summary':
      return parseK6Summary(input.name, value);
    case 'jmeter-statistics':
      return parseJmeterStatistics(input.name, value);
    case 'artillery-json':
      return parseArtillery(input.name, value);
    case 'gatling-stats':
      return parseGatlingStats(input.name, value);
  }
}

/** Reads a JTL from a stream (files too large to hold). */
export function parseReportStream(name: string, stream: Readable): Promise<ReportFigures> {
  return parseJmeterJtl(name, stream);
}

export function detectFormat(name: string, text: string): ReportFormat {
  const head = text.slice(0, 4096).replace(/^\uFEFF/, '');
  const trimmed = head.trimStart();
  if (looksLikeJtl(head)) return 'jmeter-jtl';
  if (/^"?Type"?,"?Name"?,/.test(trimmed)) return 'locust-csv';
  if (trimmed.startsWith('[')) return 'locust-json';
  if (trimmed.startsWith('{')) {
    if (/"metrics"\s*:/.test(head) && /"http_req/.test(text)) return 'k6-summary';
    if (/"aggregate"\s*:/.test(head)) return 'artillery-json';
    if (/"type"\s*:\s*"GROUP"/.test(head)) return 'gatling-stats';
    if (/"sampleCount"\s*:/.test(head)) return 'jmeter-statistics';
  }
  throw new ReportFormatError(
    name,
    `cannot tell the report format; expected one of ${REPORT_FORMATS.join(', ')} (give it explicitly)`,
    { line: 1 },
  );
}

function parseJson(name: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const { line, column } = locateJsonError(text);
    const first = (err as Error).message.split('\n')[0];
    throw new ReportFormatError(name, `invalid JSON at column ${column}: ${first}`, { line });
  }
}
