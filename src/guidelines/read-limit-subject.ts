/**
 * What a limit in running text is about: the subject before the clause's modal or copula, a defined
 * acronym spelled out, the noun a bare number counts, the qualifier after the limit. Used by
 * `find-prose-threshold`.
 */
import { startsImperative } from './classify-statement.js';
import { normalizeUnit } from './normalize-unit.js';

/** A counted noun after a bare number: "3000 passwords", "8 resource types", "3 sub-resource (nesting) levels". */
export const COUNTED = /^\s+((?:[a-z][\w-]*\s+)?(?:\([^)]*\)\s+)?[a-z][\w-]*s)\b/i;
export const MODAL =
  /\s(MUST|SHALL|SHOULD|MAY|REQUIRED|must|shall|should|may|can|cannot|will|is|are|be|has|have|contains?|takes?|lasts?|expires?|completes?|responds?|returns?|runs?)\b/;
const LEAD =
  /^(?:(?:verify|ensure|check|confirm|make sure|require|validate)\s+(?:that\s+)?|(?:the|a|an|all|any|each|every|its|their|your)\s+)+/i;

/** "TOTP", defined earlier as "time-based one-time passwords (TOTPs)": the words it abbreviates. */
export function expandAcronym(subject: string, text: string): string {
  const acronym = /^[A-Z]{2,6}$/.exec(subject.trim())?.[0];
  if (!acronym) return subject;
  const defined = new RegExp(`((?:[\\w-]+\\s+){1,8})\\(${acronym}s?\\)`).exec(text);
  if (!defined) return subject;
  const words = defined[1]!.trim().split(/\s+/);
  const want = acronym.toLowerCase();
  // Fewest trailing words whose initials (of each hyphenated part) hold the acronym in order,
  // starting with the first: "time-based one-time passwords" → t(b) o t p.
  for (let n = 1; n <= words.length; n++) {
    const taken = words.slice(-n);
    const initials = taken.flatMap((w) =>
      w
        .split('-')
        .filter(Boolean)
        .map((p) => p[0]!.toLowerCase()),
    );
    if (initials[0] !== want[0]) continue;
    let k = 0;
    for (const c of initials) if (c === want[k]) k++;
    if (k === want.length) return `${taken.join(' ')} (${acronym})`;
  }
  return subject;
}

/**
 * "<= 20, where churn is defined as: … in a given second": a bare number whose definition counts
 * per unit of time is a rate ("/s").
 */
export function definedRate(after: string): string | undefined {
  const m =
    /^,?\s*(?:where|with)\s+[^.;]{0,40}?\b(?:is|being)\s+defined\s+as\b[^.;]{0,200}?\b(?:in\s+a\s+given|per|each|every)\s+(second|minute|hour|day)\b/i.exec(
      after,
    );
  return m ? normalizeUnit(`per ${m[1]!}`) : undefined;
}

/** The counted noun after a bare number, as written, without modifiers: "passwords", "levels". */
export function countedUnit(after: string): string | undefined {
  const m = COUNTED.exec(after);
  if (!m) return undefined;
  const words = m[1]!
    .replace(/\([^)]*\)/g, ' ')
    .trim()
    .split(/\s+/)
    .filter((w, i, all) => i === all.length - 1 || !w.includes('-'));
  const unit = words.join(' ').toLowerCase();
  return /^(?:which|that|and|or|is|was|has|its|this|thus|as|us)$/.test(words[0]!.toLowerCase())
    ? undefined
    : unit;
}

const NOMINAL: Record<string, string> = {
  respond: 'response',
  complete: 'completion',
  finish: 'completion',
  execute: 'execution',
  process: 'processing',
  start: 'startup',
  load: 'load',
  run: 'run',
};

/**
 * The subject of one limit, refined where the clause's subject is not what is measured:
 * "Calls that take longer than 1s to respond" → "call response time"; "Services that can generate
 * URLs longer than 2,083 characters" → "URLs"; "passwords of at least 64 characters" → "password length".
 */
export function subjectOfLimit(
  sentence: string,
  index: number,
  rest: string,
  unit: string | undefined,
): string | undefined {
  const subject = subjectBefore(sentence, index);
  if (!subject) return undefined;
  const before = sentence.slice(0, index).replace(/\s*\([^()]{3,}\)/g, '');
  const took = /\b(?:that|which|who)\s+(?:\w+\s+)?takes?\s*$/i.exec(before);
  const verb = /^\s*to\s+([a-z]+)/i.exec(rest)?.[1]?.toLowerCase();
  if (took && verb) return `${singular(subject)} ${NOMINAL[verb] ?? verb} time`;
  // "an operation may take a very long time to complete, e.g. longer than 15 minutes".
  const tookTime =
    /\btak(?:e|es|ing)\s+(?:an?\s+)?(?:[\w*]+\s+){0,2}?time\s+to\s+([a-z]+)\b[^;]{0,20}$/i.exec(
      before,
    )?.[1];
  if (tookTime) return `${singular(subject)} ${NOMINAL[tookTime.toLowerCase()] ?? tookTime} time`;
  // "checked against an available set of, at least, the top 3000 passwords": the set is counted.
  const setOf =
    /\b(?:an?|the)\s+((?:[a-z-]+\s+)?(?:set|list|collection|pool|dictionary|corpus))\s+of,?\s*$/i.exec(
      before,
    );
  if (setOf && unit && !isMeasureUnit(unit)) return `${setOf[1]!.toLowerCase()} of ${unit}`;
  // The relative clause's object is what the limit is about ("that can generate URLs longer than").
  const object =
    /(?:^|\s)([A-Za-z][\w-]*)\s+(?:that|which|who)\s+(?:(?:can|could|may|might|will|would|must|should|do|does)\s+)?(?:not\s+)?[a-z]+\s+((?:[\w-]+\s+){0,2}[\w-]+)\s*$/i.exec(
      before,
    );
  // Not "Verify that …" (a complement, not a relative clause), and the object must be a noun phrase.
  if (
    object &&
    !/^(?:verify|ensure|check|confirm|require|validate|sure|means?|states?)$/i.test(object[1]!) &&
    !/\b(?:of|to|for|with|in|at|by|on|from|a|an|the|than|be|is|are|was|were|has|have)$/i.test(
      object[2]!,
    )
  )
    return object[2]!.replace(/^(?:the|a|an|all|any)\s+/i, '');
  if (/\bof\s*$/.test(before) && subject.split(/\s+/).length <= 3) {
    if (unit === 'characters') return `${singular(subject)} length`;
    if (unit === 'B' || unit === 'KB' || unit === 'MB' || unit === 'GB')
      return `${singular(subject)} size`;
  }
  return subject;
}

/** A unit of measure (time, size, percent, a rate), not a counted noun. */
function isMeasureUnit(unit: string): boolean {
  return /^(?:ms|s|min|h|d|wk|mo|y|%|B|KB|MB|GB|TB|bits|characters)$|\//.test(unit);
}

function singular(phrase: string): string {
  return phrase.replace(/(\w{3,}?)s$/i, '$1').toLowerCase();
}

/** "if scope=resource", "at the 99th percentile", "of CPU time": up to the next limit or clause end. */
export function qualifierOf(rest: string): string | undefined {
  const stop = rest.search(
    /\(\w\)|[;.](?:\s|$)|,\s|\s(?:and|or|but)\s(?:MUST|SHOULD|MAY|must|should)\b/,
  );
  const piece = (stop >= 0 ? rest.slice(0, stop) : rest).trim().replace(/[).,;:]+$/, '');
  if (!piece || piece.split(/\s+/).length > 10) return undefined;
  return piece;
}

export function subjectBefore(sentence: string, index: number): string | undefined {
  // The sentence the limit sits in, without asides: "(difference between …)", "(TOTPs)".
  let clause = sentence.slice(0, index);
  const sentenceStart = clause.search(/(?:[.!?]\s+(?=[A-Z])(?!.*[.!?]\s+[A-Z]))/);
  if (sentenceStart >= 0) clause = clause.slice(sentenceStart + 1).trimStart();
  clause = clause.replace(/\s*\([^()]{3,}\)/g, '');
  // "(a) <= 1s if scope=resource (b) <= 30s otherwise": enumerated limits share the text before "(a)".
  const enumerated = clause.search(/\(a\)\s/);
  if (enumerated > 0) clause = clause.slice(0, enumerated);
  // The clause the limit sits in: after the last "(a)", semicolon, colon or dash.
  const cut = Math.max(
    clause.lastIndexOf(';'),
    clause.lastIndexOf(': '),
    clause.lastIndexOf(' - '),
    clause.lastIndexOf(' – '),
  );
  if (cut >= 0 && clause.slice(cut).split(/\s+/).length > 2) clause = clause.slice(cut + 1);
  // "… return 414 if a URL exceeds 2083 characters": the condition names the subject.
  const cond = /.*\b(?:if|when|unless|once|where)\s+(?=\S)/i.exec(clause);
  if (cond && clause.length - cond[0].length > 1) clause = clause.slice(cond[0].length);
  clause = clause
    .replace(/\(\w\)\s*$/, '')
    .replace(/^[\s\-*>:]+/, '')
    .trim();
  const modal = MODAL.exec(` ${clause}`);
  let phrase = modal ? clause.slice(0, Math.max(0, modal.index - 1)) : clause;
  if (!modal) {
    // No verb: the last words before the limit name it ("Max request body", "passwords of").
    phrase = phrase.replace(/\s+(of|to|for|with|in|at|by|be|is|are)$/i, '');
    phrase = phrase.split(/\s+/).slice(-5).join(' ');
  }
  phrase = phrase
    .replace(
      /^(?:(?:YOU )?(?:MUST|SHOULD|MAY|SHALL)(?: NOT)?|DO(?: NOT)?|DON'T|AVOID|CONSIDER)\s+/,
      '',
    )
    .replace(LEAD, '')
    .replace(/\s+(?:that|which|who|whose)\b.*$/i, '')
    .replace(/^(?:do not|don't|never|you)\s+/i, '')
    .replace(/[,:]+$/, '')
    .trim();
  if (startsImperative(phrase) && phrase.includes(' ')) phrase = phrase.replace(/^\S+\s+/, '');
  // "Consider also using a code with at least 64 bits": the gerund's object is what is limited.
  phrase = phrase.replace(
    /^(?:(?:also|always|only)\s+)?(?:using|setting|keeping|choosing)\s+(?=\S)/i,
    '',
  );
  // "In the application's backend, lookup secrets": the noun phrase after the last comma.
  if (phrase.includes(', ')) phrase = phrase.slice(phrase.lastIndexOf(', ') + 2);
  // "queries running longer than 30 s": the participle belongs to the limit, not the subject.
  phrase = phrase.replace(/\s+\w+ing$/, '');
  phrase = phrase.replace(LEAD, '');
  if (!phrase || !/[A-Za-z]/.test(phrase)) return undefined;
  const words = phrase.split(/\s+/);
  return words.length > 8 ? words.slice(-6).join(' ') : phrase;
}
