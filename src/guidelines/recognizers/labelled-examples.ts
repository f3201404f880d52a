/**
 * Labelled examples outside the code: a code block captioned "**Incorrect (…):**" / "**Correct
 * (…):**", "Bad/Good", "Don't/Do", "Wrong/Right". The label decides the verdict, never the code's
 * content (a Correct example may well contain `SELECT *`). Under a heading rule the examples attach
 * to that rule; elsewhere each is an example rule of its own.
 */
import type { DocumentModel } from '../model/document-model.js';
import { exampleStatement } from './code-markers.js';
import { headingRule } from './heading-rules.js';
import type { Recognized, Recognizer } from './types.js';

const LABEL =
  /^(?:[^\p{L}]*)(incorrect|correct|bad|good|wrong|right|don'?t|do not|do|avoid|prefer(?:red)?)\b\s*(?:\(([^)]*)\)|[-–—:]\s*(.*))?\s*:?\s*$/iu;
const BAD = /^(incorrect|bad|wrong|don'?t|do not|avoid)$/i;

export const labelledExamples: Recognizer = {
  name: 'labelled-examples',
  recognize(model: DocumentModel): Recognized {
    const out: Recognized = { proposals: [], rejections: [] };
    let heading: { index: number; rule: boolean; text: string } | undefined;
    for (const b of model.blocks) {
      if (b.type === 'heading') {
        heading = { index: b.index, rule: headingRule(b) !== undefined, text: b.text };
        continue;
      }
      if (b.type !== 'code' || b.skipped || !b.caption) continue;
      const m = LABEL.exec(b.caption.text);
      if (!m) continue;
      const verdict = BAD.test(m[1]!) ? 'bad' : 'good';
      const what = (m[2] ?? m[3] ?? '').trim();
      const label = what || heading?.text || b.caption.text;
      out.proposals.push({
        kind: 'example',
        statement: exampleStatement(verdict, label),
        section: b.section.slice(0, -1),
        examples: [
          {
            verdict,
            label: b.caption.text,
            ...(b.lang ? { language: b.lang } : {}),
            code: b.value,
          },
        ],
        level: { level: 'SHOULD', source: `inferred: ${m[1]!.toUpperCase()} example` },
        line: b.caption.line,
        column: b.caption.column,
        ...(b.pin ? { pinnedId: b.pin } : {}),
        recognizer: 'labelled-examples',
        evidence: `code captioned "${b.caption.text}"`,
        key: `b${b.index}`,
        priority: 15,
        ...(heading?.rule ? { attachTo: `b${heading.index}` } : {}),
      });
    }
    return out;
  },
};
