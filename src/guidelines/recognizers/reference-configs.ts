/**
 * Reference configurations: a code block under a bold caption ("**JVM Optimization**" + flags,
 * "**Resource Scaling Guidelines**" + an HPA manifest) that is not marked good or bad is one rule of
 * kind `reference`, carrying its code, language and the values it sets, so checks can attach to
 * what the guideline prescribes. Its id is `<guideline>.<caption-slug>.reference`.
 */
import { startsImperative } from '../classify-statement.js';
import { explicitLevel } from '../detect-level.js';
import { extractExamples } from '../extract-examples.js';
import type { DocumentModel } from '../model/document-model.js';
import { readConfigValues } from '../read-config-values.js';
import type { Recognized, Recognizer } from './types.js';

export const referenceConfigs: Recognizer = {
  name: 'reference-configs',
  recognize(model: DocumentModel): Recognized {
    const out: Recognized = { proposals: [], rejections: [] };
    for (const b of model.blocks) {
      if (b.type !== 'code' || b.skipped) continue;
      if (!b.caption) continue;
      if (extractExamples(b.value).length > 0) continue;
      if (
        /^(incorrect|correct|bad|good|wrong|right|do|don'?t|avoid|before|after)\b/i.test(
          b.caption.text,
        )
      )
        continue;
      const caption = b.caption.text.replace(/[:.]\s*$/, '');
      // A sentence introduces a prescribed configuration only when it orders something.
      if (
        b.caption.sentence &&
        (/^if\b/i.test(caption) ||
          /\b(MUST|SHOULD|MAY|SHALL)\b|^\W*:[a-z_]+:/.test(caption) ||
          !(
            startsImperative(caption) ||
            startsImperative(caption.split(/,\s*/)[1] ?? '') ||
            /\b(must|should)\b/.test(caption) ||
            ordersInFirstComment(b.value)
          ))
      )
        continue;
      out.proposals.push({
        kind: 'reference',
        statement: caption,
        section: b.section,
        reference: {
          caption,
          language: b.lang,
          code: b.value,
          values: readConfigValues(b.value, b.lang),
        },
        level: explicitLevel(caption) ?? {
          level: 'MUST',
          source: 'inferred: reference configuration',
        },
        line: b.caption.sentence ? b.caption.line : b.line,
        column: b.caption.sentence ? b.caption.column : b.column,
        ...(b.pin ? { pinnedId: b.pin } : {}),
        idSlug: `${caption} reference`,
        flatId: true,
        recognizer: 'reference-configs',
        evidence: `code block captioned "${caption}"`,
        key: `b${b.index}`,
        priority: 5,
      });
    }
    return out;
  },
};

/** "-- Cursor must include all sort columns": the block's first comment gives the order. */
function ordersInFirstComment(code: string): boolean {
  const first = /^\s*(?:--|#|\/\/|;)\s*(.+)$/m.exec(code)?.[1] ?? '';
  return startsImperative(first) || /\b(must|should|MUST|SHOULD)\b/.test(first);
}
