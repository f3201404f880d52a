/**
 * Heading rules (Zalando style): a heading that is itself a rule — `MUST use lowercase with hyphens
 * for path segments [129]`, `## Use cursor-based pagination instead of OFFSET`. The keyword (or the
 * imperative) gives the level; a trailing `[129]` or `{#x}` is the author's id. Labelled examples in
 * the heading's body attach to it (see labelled-examples). A heading that limits something ("SHOULD
 * limit number of resource types") takes the first limit in its body about the same thing ("no more
 * than 4 to 8 resource types", "use <= 3 sub-resource levels") as its threshold; that sentence is
 * then part of the heading's rule, not a rule of its own.
 */
import { startsImperative } from '../classify-statement.js';
import { explicitLevel } from '../detect-level.js';
import { findProseThresholds, type ProseThreshold } from '../find-prose-threshold.js';
import type { DocumentModel, HeadingBlock } from '../model/document-model.js';
import { splitSentences } from './keyword-sentences.js';
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
      const limit = bodyLimit(model, b, rule.statement);
      out.proposals.push({
        ...(limit
          ? {
              kind: 'threshold',
              subject: limit.subject,
              threshold: { ...limit.found.parsed, subject: limit.subject, text: limit.found.text },
              alsoCovers: [limit.key],
            }
          : { kind: 'practice' }),
        statement: rule.statement,
        section: b.section.slice(0, -1),
        line: b.line,
        column: b.column,
        ...(rule.authorId ? { authorId: rule.authorId } : {}),
        ...(explicit ? { level: { level: explicit.level, source: explicit.source } } : {}),
        recognizer: 'heading-rules',
        evidence:
          (explicit ? `a heading opening with "${explicit.source}"` : 'an imperative heading') +
          (limit ? ` and the limit "${limit.found.text}" in its body` : ''),
        key: `b${b.index}`,
        priority: 10,
      });
    }
    return out;
  },
};

const FILLER = new Set(
  'a an the of for to in on and or with by per all any each every its their number amount count size use limit keep'.split(
    ' ',
  ),
);
const words = (text: string) =>
  text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 2 && !FILLER.has(w))
    .map((w) => w.replace(/s$/, ''));

/** "SHOULD limit number of resource types" → "resource types": what the heading limits. */
function headingObject(statement: string): string {
  return statement
    .replace(KEYWORD_HEAD, '')
    .trim()
    .replace(/^\S+\s+/, '')
    .replace(/^(?:the\s+)?(?:number|amount|count|size)\s+of\s+/i, '')
    .replace(/^(?:the|a|an)\s+/i, '')
    .trim();
}

function bodyLimit(
  model: DocumentModel,
  h: HeadingBlock,
  statement: string,
): { found: ProseThreshold; subject: string; key: string } | undefined {
  if (!/\b(?:limit|cap|restrict|keep|minimi[sz]e|maximi[sz]e)\b/i.test(statement)) return undefined;
  if (findProseThresholds(statement).length > 0) return undefined;
  const object = headingObject(statement);
  const topic = new Set(words(object));
  if (topic.size === 0) return undefined;
  for (let i = h.index + 1; i < model.blocks.length; i++) {
    const b = model.blocks[i]!;
    if (b.type === 'heading' && b.depth <= h.depth) break;
    if (b.type !== 'paragraph' || b.label) continue;
    const sentences = splitSentences(b.text);
    for (let si = 0; si < sentences.length; si++) {
      const found = findProseThresholds(sentences[si]!).find((t) =>
        words(`${t.parsed.unit ?? ''} ${t.subject}`).some((w) => topic.has(w)),
      );
      if (found) return { found, subject: object, key: `b${b.index}:s${si}` };
    }
  }
  return undefined;
}
