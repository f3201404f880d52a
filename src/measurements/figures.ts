/** Small helpers shared by the report parsers: number reading with a field name, and rates. */
import { ReportFormatError, type EndpointFigures } from './types.js';

/** A finite number from a report value (numbers, or numeric strings as Gatling and CSVs write them). */
export function readNumber(
  source: string,
  value: unknown,
  field: string,
  line?: number,
): number | undefined {
  if (value === undefined || value === null || value === '' || value === '-' || value === 'N/A')
    return undefined;
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string'
        ? Number(value.replace(/[\s,]/g, ''))
        : NaN;
  if (!Number.isFinite(n)) {
    throw new ReportFormatError(source, `expected a number, got ${JSON.stringify(value)}`, {
      field,
      ...(line !== undefined ? { line } : {}),
    });
  }
  return n;
}

export function requireNumber(
  source: string,
  value: unknown,
  field: string,
  line?: number,
): number {
  const n = readNumber(source, value, field, line);
  if (n === undefined)
    throw new ReportFormatError(source, 'missing', {
      field,
      ...(line !== undefined ? { line } : {}),
    });
  return n;
}

export function errorRate(requests: number, failures: number): number {
  return requests > 0 ? (failures / requests) * 100 : 0;
}

/** Drops undefined figures so stored JSON carries only what the report said. */
export function compact(f: EndpointFigures): EndpointFigures {
  return Object.fromEntries(
    Object.entries(f).filter(([, v]) => v !== undefined),
  ) as unknown as EndpointFigures;
}

export function asObject(source: string, value: unknown, field: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new ReportFormatError(source, 'expected an object', { field });
  return value as Record<string, unknown>;
}
