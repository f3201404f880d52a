/**
 * Requirement levels. Explicit keywords win: RFC 2119 / RFC 8174 (MUST, MUST NOT, SHALL, REQUIRED,
 * SHOULD, SHOULD NOT, RECOMMENDED, MAY, OPTIONAL) and style-guide markers (DO, DO NOT, DON'T,
 * NEVER, ALWAYS, AVOID, PREFER, CONSIDER). Without one the level is inferred, and `source` says how:
 *
 *   threshold (a target or SLA)              → MUST
 *   "preferred", "prefer", "avoid", "recommended" → SHOULD
 *   "consider"                               → MAY
 *   any other imperative ("Use…", "Implement…") → MUST (the document states requirements)
 */
import type { Level } from './schema.js';

export interface DetectedLevel {
  level: Level;
  /** The keyword or inference that decided it, e.g. "MUST", "inferred: threshold". */
  source: string;
  negated: boolean;
}

const UPPER: Array<[RegExp, Level, boolean]> = [
  [/\b(MUST NOT|SHALL NOT)\b/, 'MUST', true],
  [/\b(MUST|SHALL|REQUIRED)\b/, 'MUST', false],
  [/\b(NOT RECOMMENDED|SHOULD NOT)\b/, 'SHOULD', true],
  [/\b(SHOULD|RECOMMENDED)\b/, 'SHOULD', false],
  [/\b(MAY|OPTIONAL)\b/, 'MAY', false],
];

const STYLE: Array<[RegExp, Level, boolean, string]> = [
  [/^(?:[❌✗✘🚫]\s*)?(DO NOT|DON['’]T|NEVER)\b/u, 'MUST', true, ''],
  [/^(?:[✅✓✔]\s*)?(DO|ALWAYS)\b/, 'MUST', false, ''],
  [/^(AVOID)\b/, 'SHOULD', true, ''],
  [/^(PREFER)\b/, 'SHOULD', false, ''],
  [/^(CONSIDER)\b/, 'MAY', false, ''],
];

const LOWER_MODAL: Array<[RegExp, Level, boolean]> = [
  [/\b(must not|shall not|must never)\b/i, 'MUST', true],
  [/\b(must|shall|is required|are required|is mandatory|are mandatory)\b/i, 'MUST', false],
  [/\b(should not|shouldn['’]t)\b/i, 'SHOULD', true],
  [/\b(should)\b/i, 'SHOULD', false],
  [/\b(may)\b(?! not)/i, 'MAY', false],
];

/** An explicit keyword in the text, if any. `lowercaseModals` accepts "must"/"should" (list items). */
export function explicitLevel(
  text: string,
  lowercaseModals = false,
  lowercaseMay = true,
): DetectedLevel | undefined {
  // The earliest keyword is the sentence's own; one in a later clause does not override it.
  let first: DetectedLevel | undefined;
  let at = Infinity;
  for (const [re, level, negated] of UPPER) {
    const m = re.exec(text);
    if (m && m.index < at) {
      at = m.index;
      first = { level, source: m[1]!, negated };
    }
  }
  if (first) return first;
  for (const [re, level, negated] of STYLE) {
    const m = re.exec(text.trim());
    if (m) return { level, source: m[1]!.replace('’', "'"), negated };
  }
  if (lowercaseModals) {
    let lower: DetectedLevel | undefined;
    let lowerAt = Infinity;
    for (const [re, level, negated] of LOWER_MODAL) {
      if (level === 'MAY' && !lowercaseMay) continue;
      const m = re.exec(text);
      if (m && m.index < lowerAt) {
        lowerAt = m.index;
        lower = { level, source: m[1]!.toLowerCase(), negated };
      }
    }
    if (lower) return lower;
  }
  return undefined;
}

/** The level of a practice statement or threshold: explicit keyword first, else the inference. */
export function detectLevel(
  text: string,
  kind: 'threshold' | 'practice' | 'example' | 'reference',
): DetectedLevel {
  const explicit = explicitLevel(text, true);
  if (explicit) return explicit;
  if (/^\s*(?:[✅✓✔]\s*)?(do|always)\b/i.test(text))
    return { level: 'MUST', source: 'do', negated: false };
  if (/^\s*(?:[❌✗✘🚫]\s*)?(don['’]t|do not|never)\b/iu.test(text))
    return { level: 'MUST', source: 'never', negated: true };
  if (kind === 'threshold' && /\b(preferred|recommended|ideally)\b/i.test(text))
    return { level: 'SHOULD', source: 'inferred: preferred', negated: false };
  if (kind === 'threshold') return { level: 'MUST', source: 'inferred: threshold', negated: false };
  if (/^\s*avoid\b/i.test(text))
    return { level: 'SHOULD', source: 'inferred: avoid', negated: true };
  if (/\b(preferred|prefer|recommended|favou?r)\b/i.test(text))
    return { level: 'SHOULD', source: 'inferred: preferred', negated: false };
  if (/\bavoid\b/i.test(text)) return { level: 'SHOULD', source: 'inferred: avoid', negated: true };
  if (/^\s*consider\b/i.test(text))
    return { level: 'MAY', source: 'inferred: consider', negated: false };
  if (kind === 'example') return { level: 'SHOULD', source: 'inferred: example', negated: false };
  return { level: 'MUST', source: 'inferred: imperative', negated: false };
}
