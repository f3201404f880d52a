/**
 * Heading rules (Zalando style): a heading that is itself a rule — `MUST use lowercase with hyphens
 * for path segments [129]`, `## Use cursor-based pagination instead of OFFSET`. The keyword (or the
 * imperative) gives the level; a trailing `[129]` or `{#x}` is the author's id. Labelled examples in
 * the heading's body attach to it (see labelled-examples).
 */
import { startsImperative } from '../classify-statement.js';
import { explicitLevel } from '../detect-level.js';
import type { DocumentModel, HeadingBlock } from '../model/document-model.js';
import type { Recognized, Recognizer } from './types.js';

const KEYWORD_HEAD =
  /^(?:\{?\s*)?(MUST|SHOULD|MAY|SHALL|DO|DON'T|DO NOT|AVOID|CONSIDER|NEVER)(?: NOT)?\b/;
const AUTHOR_NUMBER = /\s*\[(\d+)\]\s*$/;

export function headingRule(h: HeadingBlock): { statement: string; authorId?: string } | undefined {
  if (h.depth < 2 || h.skipped) return undefined;
  // "14.2. Return Codes (429 vs 503)": a numbered section title, not an order.
  if (/^\d+(\.\d+)*\.?\s/.test(h.text)) return undefined;
  let statement = h.text;
  const num = AUTHOR_NUMBER.exec(statement);
  if (num) statement = statement.slice(0, num.index).trim();
  const words = statement.split(/\s+/).length;
  if (words < 3 || words > 25) return undefined;
  const isRule =
    KEYWORD_HEAD.test(statement) || (startsImperative(statement) && !/[?]$/.test(statement));
  if (!isRule) return undefined;
  const authorId = num?.[1] ?? h.anchor;
  return { statement, ...(authorId ? { authorId } : {}) };
}

export const headingRules: Recognizer = {
  name: 'heading-rules',
  recognize(model: DocumentModel): Recognized {
    const out: Recognized = { proposals: [], rejections: [] };
    for (const b of model.blocks) {
      if (b.type !== 'heading') continue;
      const rule = headingRule(b);
      if (!rule) continue;
      const explicit = explicitLevel(rule.statement);
      out.proposals.push({
        kind: 'practice',
        statement: rule.statement,
        section: b.section.slice(0, -1),
        line: b.line,
        column: b.column,
        ...(rule.authorId ? { authorId: rule.authorId } : {}),
        ...(explicit ? { level: { level: explicit.level, source: explicit.source } } : {}),
        recognizer: 'heading-rules',
        evidence: explicit
          ? `a heading opening with "${explicit.source}"`
          : 'an imperative heading',
        key: `b${b.index}`,
        priority: 10,
      });
    }
    return out;
  },
};
