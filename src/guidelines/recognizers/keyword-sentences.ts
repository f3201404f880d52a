/**
 * Sentences of running text that state a requirement: an RFC 2119 / 8174 keyword in capitals (or
 * in bold), a sentence opening with a style keyword (DO, NEVER, AVOID…), or — in a document that
 * declares lower-case keywords normative — "must/should/may" in lower case; in any document, a phrase
 * that recommends ("it may be better to …") at MAY. A limit in the sentence makes it a threshold (one per limit). A sentence ending in ":" whose level carries to the list
 * below is a lead-in, not a rule. "YOU MAY use POST … but MUST return the URL" is two rules.
 */
import type { DocumentModel, ParagraphBlock } from '../model/document-model.js';
import { findProseThresholds, limitFields } from '../find-prose-threshold.js';
import { declaresDefaultLevel, inOverview } from '../read-default-level.js';
import { LEGEND as MARKER_LEGEND, markedKeyword } from './marked-rules.js';
import type { Proposal, Recognized, Recognizer } from './types.js';

const BOILERPLATE = /RFC\s*2119|RFC\s*8174|BCP\s*14|key ?words/i;
const RFC_UPPER = /\b(MUST|SHALL|SHOULD|REQUIRED|RECOMMENDED|MAY|OPTIONAL)\b/;
const RFC_LOWER = /\b(must|shall|should|is required to|are required to|may not|must not)\b/;
/** A phrase that recommends in any document: lower-case "may" alone is mere possibility. */
const RECOMMENDS = /\bit (?:may|might) be (?:better|preferable|best|wiser|advisable) to\b/;
const RFC_BOLD = /\b(must|shall|should|may|required|recommended|optional)\b/i;
const STYLE_START = /^(DO|DON'T|DO NOT|NEVER|ALWAYS|AVOID|PREFER|CONSIDER)\b/;
/** "**MUST**: satisfy this specification", '"SHOULD" means…': a legend explaining the keywords. */
const LEGEND =
  /\b(?:adopt|follow|consider|satisfy|apply) (?:this|the) (?:pattern|guideline|specification|rule|requirement)\b|^\W*(?:MUST|SHALL|SHOULD|MAY|DO|DON'T|AVOID|CONSIDER)(?: NOT)?\W*(?:[:\-–—]|\s(?:means|indicates|denotes|is used|marks))|["'“](?:MUST|SHOULD|MAY|SHALL)["'”]/;
const SPLIT =
  /,?\s+(?:but|and|while)\s+(?=(?:(?:it|they|you|clients?|services?|servers?)\s+)?(?:MUST|SHALL|SHOULD|MAY)\b|(?:the\s+)?\w+\s+(?:must|should|MUST|SHOULD)\b)/;

export const keywordSentences: Recognizer = {
  name: 'keyword-sentences',
  recognize(model: DocumentModel): Recognized {
    const out: Recognized = { proposals: [], rejections: [] };
    for (const b of model.blocks) {
      if (b.type !== 'paragraph' || b.label || b.skipped) continue;
      // A marker legend (":white_check_mark: **DO** adopt this pattern. … you MUST disclose …").
      if (markedKeyword(b.node) && MARKER_LEGEND.test(b.text)) continue;
      readParagraph(model, b, out);
    }
    return out;
  },
};

/** Each keyword sentence of a paragraph: rejected with a reason, or one rule per part and limit. */
function readParagraph(model: DocumentModel, b: ParagraphBlock, out: Recognized): void {
  // The author's pin names the first rule of the paragraph.
  let pin = b.pin;
  const sentences = splitSentences(b.text);
  sentences.forEach((sentence, si) => {
    const upper = RFC_UPPER.test(sentence);
    const lower =
      (model.lowercaseKeywords && RFC_LOWER.test(sentence)) ||
      RECOMMENDS.test(sentence) ||
      (b.boldKeyword === true && RFC_BOLD.test(sentence));
    if (!upper && !lower && !STYLE_START.test(sentence)) return;
    const pos = positionOf(model, sentence, b);
    const why = notARule(
      sentence,
      () => si === sentences.length - 1 && nextIsList(model, b),
      inOverview(b),
    );
    if (why) {
      out.rejections.push({
        recognizer: 'keyword-sentences',
        ...pos,
        text: sentence,
        warn: false,
        why,
      });
      return;
    }
    const evidence = upper
      ? 'a keyword in capitals'
      : lower
        ? 'a lower-case keyword'
        : 'a style keyword';
    const parts = sentence.split(SPLIT).filter(Boolean);
    parts.forEach((part, pi) => {
      const key = `b${b.index}:s${si}${parts.length > 1 ? `:p${pi}` : ''}`;
      const at = pi === 0 ? pos : positionOf(model, part, b);
      const base = {
        section: b.section,
        ...at,
        recognizer: 'keyword-sentences',
        priority: 10,
        ...(pin ? { pinnedId: pin } : {}),
        ...(b.anchor && si === 0 && pi === 0 ? { authorId: b.anchor } : {}),
      };
      pin = undefined;
      out.proposals.push(...partProposals(part, key, evidence, base));
    });
  });
}

/** Why a keyword sentence is not a rule (a caveat, a legend, a lead-in), if it is not. */
function notARule(
  sentence: string,
  beforeList: () => boolean,
  overview: boolean,
): string | undefined {
  if (/^(note|warning|caution)\b\s*:/i.test(sentence))
    return 'a note or warning: a caveat, not a rule';
  if (overview && declaresDefaultLevel(sentence))
    return "states the whole document's force (its default level), not a rule of its own";
  if (BOILERPLATE.test(sentence) || LEGEND.test(sentence))
    return 'explains the keywords (a legend or the RFC 2119 boilerplate), not a rule';
  if (/:$/.test(sentence) && beforeList())
    return 'a lead-in: its level carries to the list items below';
  return undefined;
}

/** A part without a limit is a practice; with limits, one threshold per limit. */
function partProposals(
  part: string,
  key: string,
  evidence: string,
  base: Omit<Proposal, 'kind' | 'statement' | 'key' | 'evidence'>,
): Proposal[] {
  const limits = findProseThresholds(part);
  if (limits.length === 0) return [{ kind: 'practice', statement: part, key, evidence, ...base }];
  return limits.map((t, ti) => ({
    ...limitFields(t),
    statement: part,
    key: limits.length > 1 ? `${key}:t${ti}` : key,
    evidence: `a keyword sentence with the limit "${t.text}"`,
    ...base,
  }));
}

function nextIsList(model: DocumentModel, b: ParagraphBlock): boolean {
  const next = model.blocks[b.index + 1];
  return next?.type === 'item' && next.line <= b.endLine + 2;
}

export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+(?=[A-Z"“(])/)
    .map((s) => s.trim())
    .filter(Boolean);
}

const blockSources = new WeakMap<object, string>();

/**
 * Where a sentence of a block starts: its first words searched in the block's own source (sliced
 * once per block, not per sentence), allowing line breaks and inline markup between them.
 */
export function positionOf(
  model: DocumentModel,
  sentence: string,
  b: { offset: number; endOffset?: number; line: number; column: number },
): { line: number; column: number } {
  const words = sentence
    .split(/\s+/)
    .slice(0, 4)
    .map((w) => w.replace(/[*_`[\]]/g, ''));
  const pattern = words
    .filter(Boolean)
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[\\s*_`[\\]]+');
  if (!pattern) return { line: b.line, column: b.column };
  let own = blockSources.get(b);
  if (own === undefined) {
    own = model.source.slice(b.offset, b.endOffset ?? b.offset + 20_000);
    blockSources.set(b, own);
  }
  const m = new RegExp(pattern).exec(own);
  return m ? model.lines.at(b.offset + m.index) : { line: b.line, column: b.column };
}
