/**
 * Thresholds written in code: a whole-line comment that gives an order with a limit ("-- Terminate
 * connections idle in transaction after 30 seconds", "# Abort queries running longer than 30
 * seconds") inside a code block that prescribes something — a Correct/Good example or a captioned
 * reference configuration. Marked `fromCode`. Comments that describe (not order) are left alone,
 * and so are blocks marked bad.
 *
 * A plain-text block introduced as requirements ("two more prerequisites which have to be met:",
 * "Expected results:") is read as a list: each numbered or bulleted line, with its indented
 * continuation, is a sentence whose limits are thresholds ("2. Cluster churn is <= 20").
 */
import { startsImperative } from '../classify-statement.js';
import { findProseThresholds } from '../find-prose-threshold.js';
import type { CodeBlock, DocumentModel } from '../model/document-model.js';
import type { Recognized, Recognizer } from './types.js';

const COMMENT = /^\s*(?:--|#|\/\/|;)\s*(.+?)\s*$/;
const BAD_CAPTION = /^(?:[^\p{L}]*)(incorrect|bad|wrong|don'?t|do not|avoid)\b/iu;

export const codeThresholds: Recognizer = {
  name: 'code-thresholds',
  recognize(model: DocumentModel): Recognized {
    const out: Recognized = { proposals: [], rejections: [] };
    for (const b of model.blocks) {
      if (b.type !== 'code' || b.skipped || !b.caption || BAD_CAPTION.test(b.caption.text))
        continue;
      const first = (b.node.position?.start.line ?? b.line) + 1;
      if (statesRequirements(b)) {
        readTextList(b, first, out);
        continue;
      }
      b.value.split('\n').forEach((line, i) => {
        const comment = COMMENT.exec(line)?.[1];
        if (!comment || !startsImperative(comment)) return;
        // "after 30 seconds" orders a timeout: an upper bound on how long the thing may last.
        const text = comment.replace(/\bafter (\d)/i, 'within $1');
        // "Abort queries running longer than 30 seconds": what is stopped beyond the limit may last
        // at most that long.
        const stops = /^(abort|terminate|kill|cancel|close|disconnect|evict|expire|reject)\b/i.test(
          comment,
        );
        findProseThresholds(text)
          .map((t) =>
            stops && (t.parsed.comparator === '>' || t.parsed.comparator === '>=')
              ? { ...t, parsed: { ...t.parsed, comparator: '<=' as const } }
              : t,
          )
          .forEach((t, ti) =>
            out.proposals.push({
              kind: 'threshold',
              statement: comment,
              subject: t.subject,
              threshold: { ...t.parsed, subject: t.subject, text: t.text, fromCode: true },
              section: b.section,
              line: first + i,
              column: (b.node.position?.start.column ?? 1) + line.indexOf(comment.slice(0, 3)),
              recognizer: 'code-thresholds',
              evidence: `a comment in code captioned "${b.caption!.text}"`,
              key: `c${b.index}:l${i}:t${ti}`,
              priority: 12,
            }),
          );
      });
    }
    return out;
  },
};

/** A caption that introduces what must hold, over a block of plain text (no language, or text). */
const REQUIRES =
  /\b(?:have to|has to|must|shall|required|requirements?|prerequisites?|expected results?|limits?)\b/i;

function statesRequirements(b: CodeBlock): boolean {
  return (
    (b.lang === null || /^(?:text|txt|plain|plaintext)$/i.test(b.lang)) &&
    REQUIRES.test(b.caption?.text ?? '')
  );
}

const ITEM = /^(\s*)(?:\d+[.)]|[-*•])\s+(.+)$/;

/** Each list line of the block, its deeper-indented lines joined to it, read as a sentence. */
function readTextList(b: CodeBlock, first: number, out: Recognized): void {
  const items: Array<{ text: string; line: number; column: number; indent: number }> = [];
  b.value.split('\n').forEach((line, i) => {
    const m = ITEM.exec(line);
    const last = items.at(-1);
    if (m)
      items.push({
        text: m[2]!.trim(),
        line: first + i,
        column: m[1]!.length + 1,
        indent: m[1]!.length,
      });
    else if (last && line.trim() && /^\s*/.exec(line)![0].length > last.indent)
      last.text += ` ${line.trim()}`;
  });
  for (const item of items)
    findProseThresholds(item.text).forEach((t, ti) =>
      out.proposals.push({
        kind: 'threshold',
        statement: item.text,
        subject: t.subject,
        threshold: { ...t.parsed, subject: t.subject, text: t.text, fromCode: true },
        section: b.section,
        line: item.line,
        column: (b.node.position?.start.column ?? 1) + item.column - 1,
        recognizer: 'code-thresholds',
        evidence: `a list line in a text block introduced as requirements ("${b.caption!.text}")`,
        key: `c${b.index}:l${item.line - first}:t${ti}`,
        priority: 12,
      }),
    );
}
