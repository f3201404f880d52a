/**
 * The threshold grammar: the text after "Subject:" in a bullet, or after a comparator in a sentence.
 *
 *   [aggregate] [comparator] number [unit] [for <duration>] [qualifier]
 *   [aggregate] number [unit] (- | – | to) number [unit] …     a band: a target and a limit
 *
 * e.g. "< 50ms", "95th percentile < 500ms", "> 90% for 5 minutes", "99.9% uptime",
 * "< 5% of CPU time", "< 5000ms (excluding transfer time)", "at most 2 s". A value with no
 * comparator takes one only where the subject makes it certain (availability and throughput are
 * floors); otherwise the caller is told the comparator is missing and warns.
 */
import type { Comparator, Duration } from './schema.js';
import { UNIT_PATTERN, normalizeUnit } from './normalize-unit.js';

export interface ParsedThreshold {
  aggregate?: string;
  comparator?: Comparator;
  value: number;
  /** A band "150-200ms": both ends as written, low first. `value` is the high end until the caller
   * knows whether the subject is a ceiling (limit = high) or a floor (limit = low). */
  band?: { low: number; high: number };
  unit?: string;
  duration?: Duration;
  qualifier?: string;
}

const COMPARATORS: Array<[RegExp, Comparator]> = [
  [
    /^(<=|≤|=<|at most|no more than|up to|max(?:imum)?:?|not (?:more|greater) than|within)\s*/i,
    '<=',
  ],
  [/^(>=|≥|=>|at least|no less than|min(?:imum)?:?|not less than)\s*/i, '>='],
  [/^(<|under|below|less than|lower than|fewer than)\s*/i, '<'],
  [/^(>|above|over|more than|greater than|higher than|exceeds?|exceeding)\s*/i, '>'],
  [/^(=|==|exactly|equals?)\s*/i, '='],
];

const AGGREGATE =
  /^(?:(\d{1,2}(?:\.\d+)?)(?:st|nd|rd|th)\s+percentile|p(\d{1,2}(?:\.\d+)?)|(median)|(average|mean|avg)|(maximum|max|peak)|(minimum|min))\b[\s:,]*/i;
const NUMBER = new RegExp(
  `^(\\d{1,3}(?:,\\d{3})+|\\d+(?:\\.\\d+)?|\\.\\d+)\\s*(${UNIT_PATTERN})?(?![A-Za-z0-9])`,
  'i',
);
const BAND_END = new RegExp(
  `^\\s*(?:-|–|—|to)\\s*(\\d{1,3}(?:,\\d{3})+|\\d+(?:\\.\\d+)?|\\.\\d+)\\s*(${UNIT_PATTERN})?(?![A-Za-z0-9])`,
  'i',
);
const DURATION = new RegExp(
  `^(?:for|over|during|sustained for|lasting)\\s+(\\d+(?:\\.\\d+)?)\\s*(${UNIT_PATTERN})(?![A-Za-z0-9])\\s*`,
  'i',
);

/** Parse an aggregate name found anywhere in a text (a heading, a subject): "95th percentile" → p95. */
export function findAggregate(text: string): string | undefined {
  const m =
    /(\d{1,2}(?:\.\d+)?)(?:st|nd|rd|th)\s+percentile|\bp(50|75|90|95|99|99\.9)\b|\b(median)\b|\b(average|mean)\b/i.exec(
      text,
    );
  if (!m) return undefined;
  if (m[1]) return `p${m[1]}`;
  if (m[2]) return `p${m[2]}`;
  if (m[3]) return 'p50';
  return 'avg';
}

function aggregateFrom(m: RegExpExecArray): string {
  if (m[1]) return `p${m[1]}`;
  if (m[2]) return `p${m[2]}`;
  if (m[3]) return 'p50';
  if (m[4]) return 'avg';
  if (m[5]) return 'max';
  return 'min';
}

export function parseThreshold(input: string): ParsedThreshold | undefined {
  let rest = input.trim().replace(/\s+/g, ' ');
  const out: Partial<ParsedThreshold> = {};

  const agg = AGGREGATE.exec(rest);
  // "max 200ms" is a comparator, not an aggregate: only take it when a comparator follows.
  if (agg && !(agg[5] || agg[6])) {
    out.aggregate = aggregateFrom(agg);
    rest = rest.slice(agg[0].length);
  }
  for (const [re, comparator] of COMPARATORS) {
    const m = re.exec(rest);
    if (m) {
      out.comparator = comparator;
      rest = rest.slice(m[0].length);
      break;
    }
  }
  const num = NUMBER.exec(rest);
  if (!num) return undefined;
  out.value = Number(num[1]!.replace(/,/g, ''));
  if (!Number.isFinite(out.value)) return undefined;
  if (num[2]) {
    const unit = normalizeUnit(num[2]);
    if (unit) out.unit = unit;
  }
  rest = rest.slice(num[0].length).trim();
  // "150-200ms", "150 to 200 ms": a band, its unit written once (at either end) or twice.
  const band = out.comparator ? undefined : BAND_END.exec(rest);
  if (band) {
    const high = Number(band[1]!.replace(/,/g, ''));
    const unit = band[2] ? normalizeUnit(band[2]) : undefined;
    if (high > out.value && (!unit || !out.unit || unit === out.unit)) {
      out.band = { low: out.value, high };
      out.value = high;
      if (unit) out.unit = unit;
      rest = rest.slice(band[0].length).trim();
    }
  }

  const qualifiers: string[] = [];
  while (rest.length > 0) {
    const dur = DURATION.exec(rest);
    if (dur && !out.duration) {
      const unit = normalizeUnit(dur[2]!);
      if (unit && ['ms', 's', 'min', 'h', 'd'].includes(unit)) {
        out.duration = { value: Number(dur[1]), unit, text: dur[0].trim() };
        rest = rest.slice(dur[0].length).trim();
        continue;
      }
    }
    // A qualifier runs to the next "for <duration>" (rare) or the end; parentheses are dropped.
    const next = rest.search(/\s(?:for|over|during)\s+\d/i);
    const piece = next > 0 ? rest.slice(0, next) : rest;
    qualifiers.push(
      piece
        .replace(/^\((.*)\)$/, '$1')
        .replace(/^[,;]\s*/, '')
        .trim(),
    );
    rest = next > 0 ? rest.slice(next).trim() : '';
  }
  const qualifier = qualifiers.filter(Boolean).join('; ');
  if (qualifier) out.qualifier = qualifier;
  return out as ParsedThreshold;
}

/** Whether a text looks like it states a number-with-comparator or number-with-unit at all. */
export function looksNumeric(text: string): boolean {
  return (
    /\d/.test(text) &&
    (/[<>≤≥]|\b(at most|at least|under|below|above|less than|more than|within)\b/i.test(text) ||
      new RegExp(`\\d\\s*(${UNIT_PATTERN})(?![A-Za-z])`, 'i').test(text))
  );
}
