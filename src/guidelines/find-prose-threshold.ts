/**
 * Limits stated in running text: "at least 12 characters", "no more than 100 failed attempts per
 * hour", "greater than 1s", "longer than 15 minutes", "within 5 seconds", "a 30-second timeout",
 * "for more than 1 year", "(a) <= 1s if scope=resource (b) <= 5s if scope=namespace".
 *
 * The subject is the noun phrase the limit is about, never the whole clause: the phrase before the
 * clause's modal or copula ("Calls to internal services MUST complete within 300 ms" → "Calls to
 * internal services"; "Verify that passwords are at least 12 characters" → "passwords"), else the
 * noun the number qualifies ("a 30-second timeout" → "timeout"). A condition after the limit ("if
 * scope=resource", "at the 99th percentile") becomes its qualifier.
 */
import { normalizeUnit, UNIT_PATTERN } from './normalize-unit.js';
import { findAggregate, type ParsedThreshold } from './parse-threshold.js';
import {
  COUNTED,
  MODAL,
  countedUnit,
  definedRate,
  expandAcronym,
  qualifierOf,
  subjectBefore,
  subjectOfLimit,
} from './read-limit-subject.js';
import type { Comparator } from './schema.js';

export interface ProseThreshold {
  subject: string;
  parsed: ParsedThreshold;
  /** The limit as written: "at least 12 characters". */
  text: string;
  index: number;
}

const COMPARATOR_WORDS: Array<[string, Comparator]> = [
  ['<=', '<='],
  ['≤', '<='],
  ['>=', '>='],
  ['≥', '>='],
  ['<', '<'],
  ['>', '>'],
  ['at least', '>='],
  ['a minimum of', '>='],
  ['minimum of', '>='],
  ['no less than', '>='],
  ['no fewer than', '>='],
  ['not less than', '>='],
  ['not fewer than', '>='],
  ['at most', '<='],
  ['a maximum of', '<='],
  ['maximum of', '<='],
  ['no more than', '<='],
  ['not more than', '<='],
  ['no longer than', '<='],
  ['no greater than', '<='],
  ['not exceed', '<='],
  ['not to exceed', '<='],
  ['up to', '<='],
  ['within', '<='],
  ['more than', '>'],
  ['greater than', '>'],
  ['longer than', '>'],
  ['larger than', '>'],
  ['higher than', '>'],
  ['exceeds', '>'],
  ['exceeding', '>'],
  ['above', '>'],
  ['over', '>'],
  ['less than', '<'],
  ['fewer than', '<'],
  ['shorter than', '<'],
  ['smaller than', '<'],
  ['lower than', '<'],
  ['under', '<'],
  ['below', '<'],
];
const COMPARATOR_SOURCE = COMPARATOR_WORDS.map(([w]) =>
  w.replace(/[<>=]/g, (c) => c).replace(/ /g, '\\s+'),
).join('|');
const NUMBER = "(\\d{1,3}(?:[,']\\d{3})+|\\d+(?:\\.\\d+)?)";
// "at least 12 characters", "at least, the top 3000 passwords", "no more than 4 to 8 resource types".
const LIMIT = new RegExp(
  `(?:^|(?<=[\\s(:,]))(${COMPARATOR_SOURCE}),?\\s*(?:the\\s+(?:top\\s+|first\\s+)?)?${NUMBER}(?:\\s*(?:-|–|to)\\s*${NUMBER})?\\s*(${UNIT_PATTERN})?(?![A-Za-z0-9])`,
  'gi',
);
const NAMED = new RegExp(
  `\\b(?:an?\\s+)?(maximum|minimum|max\\.?|min\\.?)\\s+((?:[A-Za-z-]+\\s+){1,3}?)(?:of|is|:)\\s*${NUMBER}\\s*(${UNIT_PATTERN})(?![A-Za-z0-9])`,
  'gi',
);
const COMPOUND = new RegExp(
  `\\b(?:an?\\s+)?${NUMBER}[-\\s](second|minute|hour|day|week|month|year|millisecond|ms|character|bit|byte|MB|KB|GB)s?\\s+([a-z]+(?:\\s+[a-z]+)?)\\b`,
  'gi',
);
const LIMIT_NOUNS =
  /^(timeouts?|ttl|limit|window|delay|interval|expiry|expiration|lifetime|session|sessions|password|passwords|key|keys|token|tokens|lockout|retention|period|budget|cache|deadline)$/i;

const FLOOR_NOUNS = /^(salts?|keys?|nonces?|ivs?|secrets?|seeds?)$/i;

/** Every limit in one sentence, in order. */
export function findProseThresholds(sentence: string): ProseThreshold[] {
  const found: ProseThreshold[] = [];
  LIMIT.lastIndex = 0;
  for (let m = LIMIT.exec(sentence); m; m = LIMIT.exec(sentence)) {
    const word = m[1]!.toLowerCase().replace(/\s+/g, ' ');
    const comparator = COMPARATOR_WORDS.find(([w]) => w === word)?.[1];
    if (!comparator) continue;
    const after = sentence.slice(m.index + m[0].length);
    const counted = m[4] ? undefined : countedUnit(after);
    const unit = m[4] ? normalizeUnit(m[4]) : (counted ?? definedRate(after));
    // "over 3 services" or "above 2" with no unit after a word comparator: too vague to be a limit.
    if (!unit && /^[a-z]/.test(word) && !/\d\s*%/.test(m[0])) {
      if (!/^\s*(?:[a-z]+\s+)?(?:per|\/)\s/i.test(after) && !/^\s+[a-z]+s\b/i.test(after)) continue;
    }
    // A range under an upper bound keeps its upper end ("no more than 4 to 8"), else its lower end.
    const upper = m[3] && (comparator === '<=' || comparator === '<');
    const value = Number((upper ? m[3]! : m[2]!).replace(/[,']/g, ''));
    const parsed: ParsedThreshold = { comparator, value, ...(unit ? { unit } : {}) };
    const rest = counted ? after.replace(COUNTED, '') : after;
    const qualifier = qualifierOf(rest);
    if (qualifier) parsed.qualifier = qualifier;
    const aggregate = findAggregate(qualifier ?? '') ?? findAggregate(sentence);
    if (aggregate) parsed.aggregate = aggregate;
    const subject = subjectOfLimit(sentence, m.index, rest, unit);
    if (!subject) continue;
    found.push({ subject, parsed, text: m[0].trim(), index: m.index });
  }
  // "a minimum password length of 15 characters", "a maximum lifetime of 30 seconds".
  NAMED.lastIndex = 0;
  for (let m = NAMED.exec(sentence); m; m = NAMED.exec(sentence)) {
    if (found.some((f) => Math.abs(f.index - m.index) < m[0].length)) continue;
    const unit = m[4] ? normalizeUnit(m[4]) : undefined;
    if (!unit) continue;
    // "TOTPs must have a maximum lifetime of 30 seconds": the clause's subject, else the named noun.
    const before = sentence.slice(0, m.index);
    // "… 10 minutes and for TOTP a maximum lifetime of 30 seconds": the "for" phrase names it.
    const forWhom = /(?:^|[\s,])for\s+((?:[\w-]+\s+){0,2}[\w-]+)\s*$/i.exec(before)?.[1];
    const owner =
      forWhom ?? (MODAL.test(` ${before}`) ? subjectBefore(sentence, m.index) : undefined);
    found.push({
      subject: expandAcronym(owner ?? m[2]!.trim(), sentence),
      parsed: {
        comparator: /^min/i.test(m[1]!) ? '>=' : '<=',
        value: Number(m[3]!.replace(/[,']/g, '')),
        unit,
      },
      text: m[0].trim(),
      index: m.index,
    });
  }
  // "a 32-bit random salt", "a 256-bit key": a size of secret material is a floor, wherever it stands.
  const floors = compoundLimits(sentence, FLOOR_NOUNS, '>=').filter(
    (c) => !found.some((f) => Math.abs(f.index - c.index) < c.text.length),
  );
  found.push(...floors);
  // "a 30-second timeout": where no other limit is written, a timeout's duration is a ceiling.
  if (found.length === floors.length) found.push(...compoundLimits(sentence, LIMIT_NOUNS, '<='));
  return found.sort((a, b) => a.index - b.index);
}

/** "a <number>-<unit> <noun>" where the noun names what is limited. */
function compoundLimits(sentence: string, nouns: RegExp, comparator: Comparator): ProseThreshold[] {
  const found: ProseThreshold[] = [];
  COMPOUND.lastIndex = 0;
  for (let m = COMPOUND.exec(sentence); m; m = COMPOUND.exec(sentence)) {
    const noun = m[3]!.split(/\s+/);
    const head = noun.find((w) => nouns.test(w));
    if (!head) continue;
    const unit = normalizeUnit(m[2]!);
    if (nouns === FLOOR_NOUNS && unit !== 'bits' && unit !== 'B') continue;
    found.push({
      subject: noun.slice(0, noun.indexOf(head) + 1).join(' '),
      parsed: {
        comparator,
        value: Number(m[1]!.replace(/[,']/g, '')),
        ...(unit ? { unit } : {}),
      },
      text: m[0].trim(),
      index: m.index,
    });
  }
  return found;
}

export function findProseThreshold(sentence: string): ProseThreshold | undefined {
  return findProseThresholds(sentence)[0];
}

/** What a limit makes of a candidate: a threshold about its subject; without one, a practice. */
export function limitFields(limit: ProseThreshold | undefined) {
  return limit
    ? {
        kind: 'threshold' as const,
        subject: limit.subject,
        threshold: { ...limit.parsed, subject: limit.subject, text: limit.text },
      }
    : { kind: 'practice' as const };
}
