/**
 * Decides whether one line of text (a bullet, a table row, a sentence) is a rule, and of which kind.
 * Precision matters as much as recall: noun phrases ("Response time trends"), definitions
 * ("**Load Testing**: Normal expected load") and tool lists ("Locust: Python-based load testing")
 * are not rules.
 */
import { explicitLevel } from './detect-level.js';
import { looksNumeric, parseThreshold, type ParsedThreshold } from './parse-threshold.js';

/** Verbs that open an imperative guideline statement. Words that are as often nouns
 * (cache, log, index, test, load, query, report…) are left out on purpose. */
const IMPERATIVE = new Set(
  (
    'use implement create monitor consider avoid prefer ensure set enable disable keep limit add remove ' +
    'configure run define document measure validate apply track review never always do make write ' +
    'store return handle include exclude require provide expose emit batch paginate compress retry ' +
    'throttle deploy separate reuse close release minimize minimise maximize maximise reduce optimize ' +
    'optimise tune check verify follow adopt allow restrict protect encrypt rotate pin upgrade ' +
    'instrument capture escalate investigate fix delete drop archive migrate split sort fetch ' +
    'preload prefetch schedule warm precompute memoize favor favour choose prioritize prioritise refrain stop ' +
    'avoid alert establish maintain give prevent rely treat wrap place put declare annotate start ' +
    'debounce cap bound tag terminate abort cancel reject deny expire disconnect specify'
  ).split(/\s+/),
);

export type Classified =
  | {
      kind: 'threshold';
      subject: string;
      parsed: ParsedThreshold;
      valueText: string;
      valueOffset: number;
    }
  | { kind: 'practice' }
  | { kind: 'unreadable-threshold'; subject: string; valueText: string; valueOffset: number }
  | { kind: 'none' };

/** Words as often nouns as verbs: imperative only when an object follows ("Group related objects",
 * "Cache the results"), not as a noun phrase ("Group membership", "Cache hit ratio"). */
const AMBIGUOUS = new Set(
  'group cache log index test load query report label name mark version order'.split(' '),
);
const OBJECT_START =
  /^(?:the|a|an|all|any|each|every|your|its|their|them|it|related|such|these|those)$/;

export function startsImperative(text: string): boolean {
  const m = /^[^A-Za-z]*([A-Za-z]+(?:['’][a-z]+)?)\s*([A-Za-z]+)?/.exec(text);
  const first = m?.[1]?.toLowerCase();
  if (!first) return false;
  if (first === "don't" || first === 'don’t') return true;
  if (AMBIGUOUS.has(first)) return OBJECT_START.test(m?.[2]?.toLowerCase() ?? '');
  return IMPERATIVE.has(first);
}

/** "X preferred", "X is required", "X recommended": a passive requirement. */
function isPassiveRequirement(text: string): boolean {
  return /\b(preferred|required|recommended|mandatory|encouraged|discouraged|forbidden|prohibited|not allowed)\s*[.!]?$/i.test(
    text,
  );
}

/**
 * Classify a bullet or table-row text. `allowColonDefinitions` = false inside DO/DON'T lists,
 * where every item is a rule whatever its form.
 */
export function classifyStatement(
  text: string,
  opts: { lowercaseModals?: boolean; lowercaseMay?: boolean } = {},
): Classified {
  const t = text.trim();
  if (!t) return { kind: 'none' };

  // "Subject: value" — a threshold when the value reads as one.
  const colon = /^([^:]{2,80}?):\s+(.+)$/.exec(t);
  // "Services MAY return RateLimit-Limit: the number of calls …" — a keyword before the colon rules.
  if (colon && /\b(MUST|SHALL|SHOULD|MAY|REQUIRED)\b/.test(colon[1]!)) return { kind: 'practice' };
  if (colon && !/^https?$/i.test(colon[1]!)) {
    const subject = colon[1]!.replace(/^\*\*|\*\*$/g, '').trim();
    const valueText = colon[2]!.trim();
    // "Don't specify default values unnecessarily: simple configuration …": the order comes first.
    if (startsImperative(subject) && subject.includes(' ') && !looksNumeric(valueText))
      return { kind: 'practice' };
    // "imagePullPolicy: Always: every time …": a setting's value and what it does — a definition.
    if (/^[\w.-]+:\s/.test(valueText)) return { kind: 'none' };
    const valueOffset = t.length - colon[2]!.length;
    if (looksNumeric(valueText)) {
      const parsed = parseThreshold(valueText);
      if (parsed) return { kind: 'threshold', subject, parsed, valueText, valueOffset };
      return { kind: 'unreadable-threshold', subject, valueText, valueOffset };
    }
    // "Caching: Use Redis for sessions" is a rule; "Locust: Python-based load testing" is not.
    if (
      startsImperative(valueText) ||
      explicitLevel(valueText, opts.lowercaseModals, opts.lowercaseMay ?? false)
    )
      return { kind: 'practice' };
    return { kind: 'none' };
  }

  // "Throughput > 1000 requests/second" — a subject, then a comparator.
  const inline = /^([A-Za-z][^<>≤≥]{1,80}?)\s*((?:<=|>=|<|>|≤|≥)\s*\d.*)$/.exec(t);
  if (inline && !startsImperative(t)) {
    const parsed = parseThreshold(inline[2]!);
    if (parsed?.comparator) {
      return {
        kind: 'threshold',
        subject: inline[1]!.trim(),
        parsed,
        valueText: inline[2]!,
        valueOffset: t.length - inline[2]!.length,
      };
    }
  }

  // "For GET and HEAD calls, avoid …", "When serving files, use …": an order after a condition.
  const lead =
    /^(?:for|when|if|in|on|before|after|during|where)\b[^,]{2,80},\s*(?:then\s+)?(.+)$/i.exec(t);
  if (
    startsImperative(t) ||
    (lead && startsImperative(lead[1]!)) ||
    isPassiveRequirement(t) ||
    explicitLevel(t, opts.lowercaseModals, opts.lowercaseMay ?? false)
  )
    return { kind: 'practice' };
  return { kind: 'none' };
}
