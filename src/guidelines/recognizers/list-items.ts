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
import { findProseThreshold } from '../find-prose-threshold.js';
import type { Candidate, Proposal, Recognized, Recognizer } from './types.js';

export const listItems: Recognizer = {
  name: 'list-items',
  recognize(model: DocumentModel): Recognized {
    const out: Recognized = { proposals: [], rejections: [] };
    for (const b of model.blocks) {
      if (b.type !== 'item' || b.skipped) continue;
      const propose = (c: Candidate, evidence: string) =>
        out.proposals.push({
          ...c,
          recognizer: 'list-items',
          evidence,
          key: `b${b.index}`,
          priority: 10,
        });
      const text = b.text;
      const baseC = {
        section: b.section,
        line: b.line,
        column: b.column,
        ...(b.pinnedId ? { pinnedId: b.pinnedId } : {}),
        ...(b.anchor ? { authorId: b.anchor } : {}),
      };
      if (b.conditional && !explicitLevel(text)) {
        out.rejections.push({
          recognizer: 'list-items',
          line: b.line,
          column: b.column,
          text,
          warn: false,
          key: `b${b.index}`,
          why: 'a condition under an "If …:" lead-in, not an order',
        });
        continue;
      }
      if (/^(note|warning|caution)\b\s*:/i.test(text)) {
        out.rejections.push({
          recognizer: 'list-items',
          line: b.line,
          column: b.column,
          text,
          warn: false,
          key: `b${b.index}`,
          why: 'a note or warning: a caveat, not a rule',
        });
        continue;
      }
      if (b.mode && text && !/:$/.test(text)) {
        propose(modeCandidate(text, b.mode, baseC), `item of a ${b.mode.toUpperCase()} list`);
        continue;
      }
      // Several keyword sentences in one item are several rules ("… the API should document it.
      // The API must not return an error.").
      const sentences = splitSentences(text).flatMap(splitClauses);
      // Lower-case "may" is a keyword only where the document says so (bold, declared, a lead-in).
      const mayCounts = model.lowercaseKeywords || b.boldKeyword === true || b.leadIn !== undefined;
      const keyed = sentences.filter((s) => explicitLevel(s, true, mayCounts));
      const ordered = sentences.filter(
        (s) => startsImperative(s) || explicitLevel(s, true, mayCounts),
      );
      if (sentences.length > 1 && keyed.length >= 1 && ordered.length > 1) {
        sentences.forEach((sentence, si) => {
          const level = explicitLevel(sentence, true, mayCounts);
          if (!level && !startsImperative(sentence)) return;
          const limit = findProseThreshold(sentence);
          const pos =
            si === 0 ? { line: b.line, column: b.column } : positionOf(model, sentence, b);
          out.proposals.push({
            ...(limit
              ? {
                  kind: 'threshold' as const,
                  subject: limit.subject,
                  threshold: { ...limit.parsed, subject: limit.subject, text: limit.text },
                }
              : { kind: 'practice' as const }),
            statement: sentence,
            ...baseC,
            ...pos,
            ...(si > 0 ? { pinnedId: undefined, authorId: undefined } : {}),
            recognizer: 'list-items',
            evidence: 'a keyword sentence in a bullet',
            key: `b${b.index}:s${si}`,
            priority: 10,
          });
        });
        continue;
      }
      const c = classifyStatement(text, { lowercaseModals: true, lowercaseMay: mayCounts });
      if (c.kind === 'threshold') {
        propose(
          thresholdCandidate(text, c.subject, c.parsed, c.valueText, baseC),
          `bullet "subject: value"`,
        );
      } else if (c.kind === 'unreadable-threshold') {
        out.rejections.push({
          recognizer: 'list-items',
          line: b.line,
          column: b.column + c.valueOffset,
          text,
          warn: true,
          key: `b${b.index}`,
          code: 'threshold-unreadable',
          why: `cannot read the threshold "${c.valueText}" of "${c.subject}"; write it as <comparator> <number><unit>, e.g. "< 200ms" or "> 99.9%" (not compiled into a rule)`,
        });
      } else if (c.kind === 'practice' || (b.leadIn && text && !/:$/.test(text))) {
        const prose = findProseThreshold(text);
        const level = leadInLevel(b, text);
        if (prose) {
          propose(
            {
              kind: 'threshold',
              statement: text,
              subject: prose.subject,
              threshold: { ...prose.parsed, subject: prose.subject, text: prose.text },
              ...baseC,
              ...(level ? { level } : {}),
            },
            `limit in a bullet ("${prose.text}")`,
          );
        } else {
          propose(
            { kind: 'practice', statement: text, ...baseC, ...(level ? { level } : {}) },
            b.leadIn && c.kind !== 'practice'
              ? 'item under a normative lead-in'
              : 'imperative bullet',
          );
        }
      } else if (text && !/:$/.test(text)) {
        out.rejections.push({
          recognizer: 'list-items',
          line: b.line,
          column: b.column,
          text,
          warn: false,
          key: `b${b.index}`,
          why: 'not an imperative, a "subject: threshold" or a keyword sentence',
        });
      }
    }
    return out;
  },
};

function leadInLevel(b: ListItemBlock, text: string): Candidate['level'] {
  if (!b.leadIn || explicitLevel(text, true)) return undefined;
  return { level: b.leadIn.level, source: b.leadIn.source };
}

function thresholdCandidate(
  statement: string,
  subject: string,
  parsed: ParsedThreshold,
  valueText: string,
  base: Omit<Candidate, 'kind' | 'statement'>,
): Candidate {
  const aggregateFromSection = [...base.section].reverse().map(findAggregate).find(Boolean);
  return {
    kind: 'threshold',
    statement,
    subject,
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
  base: Omit<Candidate, 'kind' | 'statement'>,
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
