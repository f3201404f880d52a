/**
 * GOOD/BAD markers inside code blocks (`-- BAD: Avoid SELECT *`, `# GOOD: …`, `// DON'T: …`): each
 * marked stretch of code is one example rule, positioned at its marker line.
 */
import { startsImperative } from '../classify-statement.js';
import { explicitLevel } from '../detect-level.js';
import { extractExamples } from '../extract-examples.js';
import type { DocumentModel } from '../model/document-model.js';
import { lowerFirst } from './list-items.js';
import type { Recognized, Recognizer } from './types.js';

export const codeMarkers: Recognizer = {
  name: 'code-markers',
  recognize(model: DocumentModel): Recognized {
    const out: Recognized = { proposals: [], rejections: [] };
    for (const b of model.blocks) {
      if (b.type !== 'code' || b.skipped) continue;
      const code = b.node;
      const startLine =
        (code.position?.start.line ?? 0) +
        (code.position && code.position.start.line !== code.position.end.line ? 1 : 0);
      const indent = (code.position?.start.column ?? 1) - 1;
      extractExamples(b.value).forEach((ex, i) => {
        const explicit = explicitLevel(ex.label);
        out.proposals.push({
          kind: 'example',
          statement: exampleStatement(ex.verdict, ex.label),
          section: b.section,
          examples: [
            {
              verdict: ex.verdict,
              label: ex.label,
              ...(b.lang ? { language: b.lang } : {}),
              code: ex.code,
            },
          ],
          level: explicit
            ? { level: explicit.level, source: explicit.source }
            : { level: 'SHOULD', source: `inferred: ${ex.marker} example` },
          line: startLine + ex.line,
          column: indent + ex.column + 1,
          ...(ex.pinnedId ? { pinnedId: ex.pinnedId } : b.pin ? { pinnedId: b.pin } : {}),
          recognizer: 'code-markers',
          evidence: `"${ex.marker}:" marker in a code block`,
          key: `b${b.index}:m${i}`,
          priority: 10,
        });
      });
    }
    return out;
  },
};

export function exampleStatement(verdict: 'good' | 'bad', label: string): string {
  const text = label.replace(/[.:]\s*$/, '');
  if (verdict === 'bad')
    return /^(avoid|don'?t|do not|never|no)\b/i.test(text) ? text : `Avoid ${lowerFirst(text)}`;
  return startsImperative(text) ? text : `Prefer ${lowerFirst(text)}`;
}
