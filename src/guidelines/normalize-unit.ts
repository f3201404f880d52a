/**
 * Unit vocabulary of thresholds: every spelling an author uses maps to one normalised unit, and
 * units of one dimension convert to a base (ms for time, B for sizes) so versions can be compared.
 */

const UNITS: Array<[RegExp, string]> = [
  [/^(ms|msecs?|millis(econds?)?)$/i, 'ms'],
  [/^(s|secs?|seconds?)$/i, 's'],
  [/^(m|mins?|minutes?)$/i, 'min'],
  [/^(h|hrs?|hours?)$/i, 'h'],
  [/^(d|days?)$/i, 'd'],
  [/^(w|wks?|weeks?)$/i, 'wk'],
  [/^(mo|mos|months?)$/i, 'mo'],
  [/^(y|yrs?|years?)$/i, 'y'],
  [/^(chars?|characters?)$/i, 'characters'],
  [/^(bits?)$/i, 'bits'],
  [/^(iterations?|rounds?)$/i, 'iterations'],
  [/^(requests?|reqs?)$/i, 'requests'],
  [/^((?:failed |login )?attempts?|tries)$/i, 'attempts'],
  [/^(replicas?)$/i, 'replicas'],
  [/^(pods?)$/i, 'pods'],
  [/^(connections?)$/i, 'connections'],
  [/^(retries)$/i, 'retries'],
  [/^(%|percent|pct)$/i, '%'],
  [/^(req\/s(ec)?|requests?\/s(ec(ond)?)?|requests? per second|rps)$/i, 'req/s'],
  [/^(qps|quer(y|ies)\/s(ec(ond)?)?|quer(y|ies) per second)$/i, 'queries/s'],
  [/^(b|bytes?)$/i, 'B'],
  [/^(kb|kib|kilobytes?)$/i, 'KB'],
  [/^(mb|mib|megabytes?)$/i, 'MB'],
  [/^(gb|gib|gigabytes?)$/i, 'GB'],
  [/^(tb|tib|terabytes?)$/i, 'TB'],
];

/** The unit alternatives as one regex source, longest spellings first so "ms" wins over "m". */
export const UNIT_PATTERN =
  'requests? per second|quer(?:y|ies) per second|requests?/s(?:ec(?:ond)?)?|quer(?:y|ies)/s(?:ec(?:ond)?)?|req/s(?:ec)?|' +
  'milliseconds?|millis|msecs?|ms|seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|percent|pct|%|rps|qps|' +
  'kilobytes?|megabytes?|gigabytes?|terabytes?|bytes?|kib|mib|gib|tib|kb|mb|gb|tb|' +
  '(?:(?:failed |login )?attempts?|requests?)(?: per | ?/ ?)(?:second|minute|hour|day|sec|min|h|s)|' +
  'characters?|chars?|bits?|iterations?|(?:failed |login )?attempts?|replicas?|weeks?|months?|years?|' +
  's|m|h|d|b';

export function normalizeUnit(raw: string): string | undefined {
  const t = raw.trim().replace(/\s+/g, ' ');
  for (const [re, unit] of UNITS) if (re.test(t)) return unit;
  // A rate of what the subject counts: "per second", "/s" → "/s".
  const bare = /^(?:per\s+|\/\s*)(.+)$/i.exec(t);
  if (bare) {
    const per = normalizeUnit(bare[1]!);
    return per && TIME_UNITS.has(per) ? `/${per}` : undefined;
  }
  // A rate: "attempts per hour", "requests/min" → "attempts/h", "requests/min".
  const rate = /^(.+?)\s*(?:\/|\bper\b|\ban?\b)\s*(.+)$/i.exec(t);
  if (rate) {
    const what = normalizeUnit(rate[1]!);
    const per = normalizeUnit(rate[2]!);
    if (what && per && TIME_UNITS.has(per)) return `${what}/${per}`;
  }
  return undefined;
}

const TIME_UNITS = new Set(['ms', 's', 'min', 'h', 'd', 'wk', 'mo', 'y']);

const TIME_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  wk: 7 * 86_400_000,
  mo: 30 * 86_400_000,
  y: 365 * 86_400_000,
};
const SIZE_B: Record<string, number> = {
  B: 1,
  KB: 1024,
  MB: 1024 ** 2,
  GB: 1024 ** 3,
  TB: 1024 ** 4,
};

export function isTimeUnit(unit: string | undefined): boolean {
  return unit !== undefined && unit in TIME_MS;
}

/** A value in its dimension's base unit, or undefined when the two cannot be compared. */
export function toBase(
  value: number,
  unit: string | undefined,
): { dimension: string; value: number } {
  if (unit !== undefined && unit in TIME_MS)
    return { dimension: 'time', value: value * TIME_MS[unit]! };
  if (unit !== undefined && unit in SIZE_B)
    return { dimension: 'size', value: value * SIZE_B[unit]! };
  return { dimension: unit ?? '', value };
}
