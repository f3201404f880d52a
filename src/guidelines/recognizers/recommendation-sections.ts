/**
 * Advice under "Recommendation" headings (OWASP cheat-sheet style): every order there is a rule at
 * SHOULD — the document calls them recommendations and uses no keywords — and a recommended value
 * shown as a quoted code span (`> \`X-Frame-Options: DENY\``) or a code block is a `reference` rule
 * with the values it sets. A sentence directly above the value introduces it and is part of that
 * reference, not a rule of its own. "Note:" and "Warning:" paragraphs are caveats.
 */
import { startsImperative } from '../classify-statement.js';
import { explicitLevel } from '../detect-level.js';
import type { Block, CodeBlock, DocumentModel } from '../model/document-model.js';
import { readConfigValues } from '../read-config-values.js';
import { slugify } from '../make-rule-id.js';
import { positionOf, splitSentences } from './keyword-sentences.js';
import type { Recognized, Recognizer } from './types.js';

const SECTION = /^recommendations?$/i;
const CAVEAT = /^(note|warning|caution|tip)\b\s*:?/i;
const HEADER_VALUE = /^([A-Za-z][\w-]*)\s*:\s*(.+)$/;
const SHOULD = { level: 'SHOULD' as const, source: 'recommendation section' };

export const recommendationSections: Recognizer = {
  name: 'recommendation-sections',
  recognize(model: DocumentModel): Recognized {
    const out: Recognized = { proposals: [], rejections: [] };
    const inSection = (b: Block) =>
      !b.skipped && SECTION.test(b.headings[b.headings.length - 1] ?? '');
    const consumed = new Set<number>();
    // Values first: they claim the sentence right above them.
    for (const b of model.blocks) {
      if (!inSection(b)) continue;
      const value =
        b.type === 'paragraph' && b.quoted && b.node.children.some((c) => c.type === 'inlineCode')
          ? HEADER_VALUE.exec(b.text.trim())
          : undefined;
      if (!value && b.type !== 'code') continue;
      const topic = b.headings[b.headings.length - 2] ?? b.headings[b.headings.length - 1] ?? '';
      const before = model.blocks[b.index - 1];
      const intro =
        before?.type === 'paragraph' &&
        !before.quoted &&
        inSection(before) &&
        before.endLine + 1 >= b.line - (b.type === 'code' ? 1 : 0)
          ? before
          : undefined;
      if (intro) consumed.add(intro.index);
      const values = value
        ? { [value[1]!]: value[2]!.trim() }
        : readConfigValues((b as CodeBlock).value, (b as CodeBlock).lang);
      const caption = `${topic} recommendation`;
      const explicit = intro ? explicitLevel(intro.text, true) : undefined;
      out.proposals.push({
        kind: 'reference',
        statement: intro ? intro.text : caption,
        section: b.section,
        reference: {
          caption,
          language: b.type === 'code' ? b.lang : null,
          code: value ? value[0] : (b as CodeBlock).value,
          values,
        },
        level: explicit?.level === 'MAY' ? { level: 'MAY', source: explicit.source } : SHOULD,
        line: b.line,
        column: b.column,
        idSlug: `${slugify(topic, 6)} reference`,
        recognizer: 'recommendation-sections',
        evidence: value
          ? 'a quoted header value under a Recommendation heading'
          : 'code under a Recommendation heading',
        key: `b${b.index}`,
        ...(intro ? { alsoCovers: [`b${intro.index}`] } : {}),
        priority: 15,
      });
    }
    for (const b of model.blocks) {
      if (!inSection(b) || consumed.has(b.index)) continue;
      if (b.type !== 'paragraph' && b.type !== 'item') continue;
      if (b.type === 'paragraph' && (b.quoted || b.label)) continue;
      splitSentences(b.text).forEach((sentence, si) => {
        if (CAVEAT.test(sentence)) return;
        const tail = sentence.split(/,\s*/).slice(1).join(', ');
        if (
          !startsImperative(sentence) &&
          !(/^(when|if|for)\b/i.test(sentence) && startsImperative(tail))
        )
          return;
        const pos = si === 0 ? { line: b.line, column: b.column } : positionOf(model, sentence, b);
        out.proposals.push({
          kind: 'practice',
          statement: sentence,
          section: b.section,
          level: SHOULD,
          ...pos,
          recognizer: 'recommendation-sections',
          evidence: 'an order under a Recommendation heading',
          key: `b${b.index}:s${si}`,
          priority: 15,
        });
      });
    }
    return out;
  },
};
