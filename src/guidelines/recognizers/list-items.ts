/**
 * Bullets: "Subject: < 50ms" thresholds, imperative practices ("Implement timeouts…"), passive
 * requirements ("Keep-alive connections preferred"), items of DO/DON'T/AVOID lists, items under a
 * normative lead-in ("Services MUST:"), and limits stated in the item's prose ("at least 12 characters").
 */
import { classifyStatement, startsImperative } from '../classify-statement.js';
import { positionOf, splitSentences } from './keyword-sentences.js';
import { explicitLevel } from '../detect-level.js';
import type { DocumentModel, ListItemBlock, ListMode } from '../model/document-model.js';
import { findAggregate, type ParsedThreshold } from '../parse-threshold.js';
import { findProseThreshold, limitFields } from '../find-prose-threshold.js';
import type { Candidate, Proposal, Recognized, Recognizer, Rejection } from './types.js';

type CandidateBase = Omit<Candidate, 'kind' | 'statement'>;

export const listItems: Recognizer = {
  name: 'list-items',
  recognize(model: DocumentModel): Recognized {
    const out: Recognized = { proposals: [], rejections: [] };
    for (const b of model.blocks) {
      if (b.type !== 'item' || b.skipped) continue;
      const read = readItem(model, b);
      if (read.proposals) out.proposals.push(...read.proposals);
      if (read.rejection) out.rejections.push(read.rejection);
    }
    return out;
  },
};

/** One bullet: its rules (one, or one per keyword sentence), or why it is none. */
function readItem(
  model: DocumentModel,
  b: ListItemBlock,
): { proposals?: Proposal[]; rejection?: Rejection } {
  const text = b.text;
  const base: CandidateBase = {
    section: b.section,
    line: b.line,
    column: b.column,
    ...(b.pinnedId ? { pinnedId: b.pinnedId } : {}),
    ...(b.anchor ? { authorId: b.anchor } : {}),
  };
  if (b.conditional && !explicitLevel(text))
    return { rejection: reject(b, 'a condition under an "If …:" lead-in, not an order') };
  if (/^(note|warning|caution)\b\s*:/i.test(text))
    return { rejection: reject(b, 'a note or warning: a caveat, not a rule') };
  if (b.mode && text && !/:$/.test(text))
    return {
      proposals: [
        propose(b, modeCandidate(text, b.mode, base), `item of a ${b.mode.toUpperCase()} list`),
      ],
    };
  // Lower-case "may" is a keyword only where the document says so (bold, declared, a lead-in).
  const mayCounts = model.lowercaseKeywords || b.boldKeyword === true || b.leadIn !== undefined;
  return keywordSentenceRules(model, b, base, mayCounts) ?? classifiedItem(b, base, mayCounts);
}

/**
 * Several keyword sentences in one item are several rules ("… the API should document it. The
 * API must not return an error."); undefined when the item is one rule.
 */
function keywordSentenceRules(
  model: DocumentModel,
  b: ListItemBlock,
  base: CandidateBase,
  mayCounts: boolean,
): { proposals: Proposal[] } | undefined {
  const sentences = splitSentences(b.text).flatMap(splitClauses);
  const keyed = sentences.filter((s) => explicitLevel(s, true, mayCounts));
  const ordered = sentences.filter((s) => startsImperative(s) || explicitLevel(s, true, mayCounts));
  if (!(sentences.length > 1 && keyed.length >= 1 && ordered.length > 1)) return undefined;
  const proposals: Proposal[] = [];
  sentences.forEach((sentence, si) => {
    const level = explicitLevel(sentence, true, mayCounts);
    if (!level && !startsImperative(sentence)) return;
    const limit = findProseThreshold(sentence);
    const pos = si === 0 ? { line: b.line, column: b.column } : positionOf(model, sentence, b);
    proposals.push({
      ...limitFields(limit),
      statement: sentence,
      ...base,
      ...pos,
      ...(si > 0 ? { pinnedId: undefined, authorId: undefined } : {}),
      recognizer: 'list-items',
      evidence: 'a keyword sentence in a bullet',
      key: `b${b.index}:s${si}`,
      priority: 10,
    });
  });
  return { proposals };
}

/** A one-rule item: "subject: value", an imperative, an item under a lead-in, or none. */
function classifiedItem(
  b: ListItemBlock,
  base: CandidateBase,
  mayCounts: boolean,
): { proposals?: Proposal[]; rejection?: Rejection } {
  const text = b.text;
  const c = classifyStatement(text, { lowercaseModals: true, lowercaseMay: mayCounts });
  if (c.kind === 'threshold')
    return {
      proposals: [
        propose(
          b,
          thresholdCandidate(text, c.subject, c.parsed, c.valueText, base),
          `bullet "subject: value"`,
        ),
      ],
    };
  if (c.kind === 'unreadable-threshold')
    return {
      rejection: {
        ...reject(
          b,
          `cannot read the threshold "${c.valueText}" of "${c.subject}"; write it as <comparator> <number><unit>, e.g. "< 200ms" or "> 99.9%" (not compiled into a rule)`,
        ),
        column: b.column + c.valueOffset,
        warn: true,
        code: 'threshold-unreadable',
      },
    };
  if (c.kind === 'practice' || (b.leadIn && text && !/:$/.test(text))) {
    const prose = findProseThreshold(text);
    const level = leadInLevel(b, text);
    const candidate: Candidate = {
      ...limitFields(prose),
      statement: text,
      ...base,
      ...(level ? { level } : {}),
    };
    const evidence = prose
      ? `limit in a bullet ("${prose.text}")`
      : b.leadIn && c.kind !== 'practice'
        ? 'item under a normative lead-in'
        : 'imperative bullet';
    return { proposals: [propose(b, candidate, evidence)] };
  }
  if (text && !/:$/.test(text))
    return {
      rejection: reject(b, 'not an imperative, a "subject: threshold" or a keyword sentence'),
    };
  return {};
}

function propose(b: ListItemBlock, c: Candidate, evidence: string): Proposal {
  return { ...c, recognizer: 'list-items', evidence, key: `b${b.index}`, priority: 10 };
}

function reject(b: ListItemBlock, why: string): Rejection {
  return {
    recognizer: 'list-items',
    line: b.line,
    column: b.column,
    text: b.text,
    warn: false,
    key: `b${b.index}`,
    why,
  };
}

function leadInLevel(b: ListItemBlock, text: string): Candidate['level'] {
  if (!b.leadIn || explicitLevel(text, true)) return undefined;
  return { level: b.leadIn.level, source: b.leadIn.source };
}

const AGGREGATE_ONLY =
  /^(?:p\d{2}(?:\.\d+)?|\d{1,2}(?:\.\d+)?(?:st|nd|rd|th) percentile|median|average|mean)$/i;

function thresholdCandidate(
  statement: string,
  subject: string,
  parsed: ParsedThreshold,
  valueText: string,
  base: CandidateBase,
): Candidate {
  const aggregateFromSection = [...base.section].reverse().map(findAggregate).find(Boolean);
  // "p95: 150-200ms" under "API latency": the label is the aggregate, the section the subject.
  const label = AGGREGATE_ONLY.test(subject) ? findAggregate(subject) : undefined;
  const named = label ? base.section.at(-1) : undefined;
  const idSlug = label && named ? subject : undefined;
  if (label && named) {
    parsed = { ...parsed, aggregate: parsed.aggregate ?? label };
    subject = named;
  }
  return {
    kind: 'threshold',
    statement,
    subject,
    // The id stays the label's ("…api-latency.p95"), as it was before the subject was read.
    ...(idSlug ? { idSlug } : {}),
    threshold: {
      ...parsed,
      subject,
      text: valueText,
      ...(aggregateFromSection ? { aggregateFromSection } : {}),
    },
    ...base,
  };
}

function modeCandidate(
  text: string,
  listMode: Exclude<ListMode, undefined>,
  base: CandidateBase,
): Candidate {
  const explicit = explicitLevel(text, true);
  const negation =
    listMode === 'do' || /^(don'?t|do not|never|avoid|no)\b/i.test(text)
      ? ''
      : listMode === 'avoid'
        ? 'Avoid '
        : "Don't ";
  const statement = negation ? negation + lowerFirst(text) : text;
  const level = explicit
    ? { level: explicit.level, source: explicit.source }
    : listMode === 'avoid'
      ? { level: 'SHOULD' as const, source: 'AVOID list' }
      : { level: 'MUST' as const, source: listMode === 'do' ? 'DO list' : "DON'T list" };
  return { kind: 'practice', statement, level, ...base };
}

export function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text[0]!.toLowerCase() + text.slice(1) : text;
}

export type { Proposal };

const CLAUSE =
  /,?\s+\(?(?:but|and|while)\s+(?=[^.]{0,60}?\b(?:MUST|SHALL|SHOULD|MAY|must|should)\b)/;

/** "… MAY support X, but the RECOMMENDED approach MUST …", "… may be an estimate (but … should …)". */
function splitClauses(sentence: string): string[] {
  const m = CLAUSE.exec(sentence);
  if (!m) return [sentence];
  const first = sentence.slice(0, m.index);
  const second = sentence.slice(m.index + m[0].length).replace(/\)\s*\.?$/, '');
  const a = explicitLevel(first, true, true);
  const b = explicitLevel(second, true, true);
  return a && b && a.level !== b.level ? [first, second] : [sentence];
}
