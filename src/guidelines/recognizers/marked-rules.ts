/**
 * Marked rules (Microsoft REST API guidelines style): an optional marker — an emoji shortcode
 * (`:white_check_mark:`, `:no_entry:`, `:ballot_box_with_check:`, `:warning:`, `:heavy_check_mark:`)
 * or an emoji (✅ ⛔ ❌ ⚠️ ☑️ ✔️) — then a bold keyword (**DO**, **DO NOT**, **YOU SHOULD**, **YOU
 * SHOULD NOT**, **YOU MAY**, **CONSIDER**, **AVOID**, **MUST**…), in a paragraph or a list item. The
 * keyword decides the level; a leading HTML anchor or `{#x}` is the author's id for the rule.
 */
import type { Paragraph } from 'mdast';
import { toString } from 'mdast-util-to-string';
import type { DocumentModel } from '../model/document-model.js';
import { findProseThresholds, limitFields } from '../find-prose-threshold.js';
import { explicitLevel } from '../detect-level.js';
import type { Level } from '../schema.js';
import { splitSentences } from './keyword-sentences.js';
import type { Recognized, Recognizer } from './types.js';

const MARKER = /^(?:\s|:[a-z0-9_+-]+:|\p{Extended_Pictographic}|\uFE0F|\u200D|[✓✔✗✘☑])*$/u;
const KEYWORDS: Array<[RegExp, Level]> = [
  [/^(YOU )?(MUST NOT|SHALL NOT|DO NOT|DON'T|NEVER)$/, 'MUST'],
  [/^(YOU )?(MUST|SHALL|DO|ALWAYS|REQUIRED)$/, 'MUST'],
  [/^(YOU )?(SHOULD NOT|AVOID|NOT RECOMMENDED)$/, 'SHOULD'],
  [/^(YOU )?(SHOULD|RECOMMENDED|PREFER)$/, 'SHOULD'],
  [/^(YOU )?(MAY|CONSIDER|OPTIONAL)$/, 'MAY'],
];
export const LEGEND =
  /\b(?:adopt|follow|consider|satisfy|apply) (?:this|the) (?:pattern|guideline|specification|rule|requirement)\b/i;
const SPLIT = /,?\s+(?:but|and|while)\s+(?=[^.]{0,60}?\b(?:MUST|SHALL|SHOULD|MAY)\b)/;
const BRACE_ANCHOR = /\s*\{#([A-Za-z0-9][\w.:-]*)\}\s*$/;

/** The bold keyword of a marked paragraph and its level, when the paragraph opens with one. */
export function markedKeyword(p: Paragraph): { keyword: string; level: Level } | undefined {
  let before = '';
  for (const child of p.children) {
    if (child.type === 'html') continue;
    if (child.type === 'strong') {
      if (!MARKER.test(before)) return undefined;
      const keyword = toString(child)
        .replace(/[:,.]$/, '')
        .trim()
        .replace('’', "'")
        .toUpperCase();
      const hit = KEYWORDS.find(([re]) => re.test(keyword));
      return hit &&
        keyword ===
          toString(child)
            .replace(/[:,.]$/, '')
            .trim()
            .replace('’', "'")
        ? { keyword, level: hit[1] }
        : undefined;
    }
    before += toString(child);
    if (!MARKER.test(before)) return undefined;
  }
  return undefined;
}

export const markedRules: Recognizer = {
  name: 'marked-rules',
  recognize(model: DocumentModel): Recognized {
    const out: Recognized = { proposals: [], rejections: [] };
    for (const b of model.blocks) {
      if (b.skipped) continue;
      const para =
        b.type === 'paragraph' && !b.label ? b.node : b.type === 'item' ? b.para : undefined;
      if (!para || (b.type !== 'paragraph' && b.type !== 'item')) continue;
      const marked = markedKeyword(para);
      if (!marked) continue;
      if (LEGEND.test(b.text)) {
        out.rejections.push({
          recognizer: 'marked-rules',
          line: b.line,
          column: b.column,
          text: b.text,
          warn: false,
          key: `b${b.index}`,
          why: 'a legend explaining what the marker means, not a rule',
        });
        continue;
      }
      let text = b.text.replace(
        /^(?:\s|:[a-z0-9_+-]+:|\p{Extended_Pictographic}|\uFE0F|\u200D|[✓✔✗✘☑])+/u,
        '',
      );
      const brace = BRACE_ANCHOR.exec(text);
      const anchor = b.anchor ?? brace?.[1];
      if (brace) text = text.slice(0, brace.index).trim();
      const sentence = b.type === 'paragraph' ? (splitSentences(text)[0] ?? text) : text;
      // "YOU MAY use POST … but you must make it idempotent and … MUST return the URL": two rules.
      const split = SPLIT.exec(sentence);
      const second = split
        ? sentence.slice(split.index).replace(/^,?\s+(?:but|and|while)\s+/, '')
        : '';
      const secondLevel = second ? explicitLevel(second) : undefined;
      const parts =
        split && secondLevel && secondLevel.level !== marked.level
          ? [sentence.slice(0, split.index), second]
          : [sentence];
      parts.forEach((statement, pi) => {
        const limits = findProseThresholds(statement);
        const limit = limits[0];
        const level =
          pi === 0
            ? { level: marked.level, source: marked.keyword }
            : { level: secondLevel!.level, source: secondLevel!.source };
        out.proposals.push({
          ...limitFields(limit),
          statement,
          section: b.section,
          line: b.line,
          column: b.column,
          level,
          ...(anchor && pi === 0 ? { authorId: anchor } : {}),
          ...(b.type === 'item' && b.pinnedId ? { pinnedId: b.pinnedId } : {}),
          ...(b.type === 'paragraph' && b.pin ? { pinnedId: b.pin } : {}),
          recognizer: 'marked-rules',
          evidence: `bold keyword "${marked.keyword}" after a marker`,
          key: `b${b.index}${pi ? `#p${pi}` : ''}`,
          priority: 20,
        });
      });
    }
    return out;
  },
};
