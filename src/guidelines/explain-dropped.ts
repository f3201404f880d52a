/**
 * Lint explains what it dropped: every line outside skipped sections that looks normative — an
 * RFC 2119 keyword in capitals, a marker with a bold keyword, a comparator before a number, a
 * requirement-table row — but became neither a rule nor an explained rejection gets a positioned
 * warning saying why. A document with no rules is told which structures were seen and which style
 * each would need.
 */
import type { Block, DocumentModel } from './model/document-model.js';
import type { Resolved } from './resolve-proposals.js';
import type { Diagnostic } from './schema.js';

const KEYWORD = /\b(MUST|SHALL|SHOULD|REQUIRED|RECOMMENDED)\b/;
const BOILERPLATE = /RFC\s*2119|RFC\s*8174|BCP\s*14|key ?words/i;
const LIMIT =
  /(?:[<>≤≥]=?)\s*\d|\b(?:at least|at most|no more than|no less than|up to|within)\s+\d/i;
const MARKER = /^(?::[a-z0-9_+-]+:|\p{Extended_Pictographic})/u;

export function explainDropped(model: DocumentModel, resolved: Resolved): Diagnostic[] {
  const seen = new Set<number>();
  for (const d of resolved.decisions) seen.add(d.line);
  const out: Diagnostic[] = [];
  const covered = (b: Block, from = b.line, to = b.endLine) => {
    for (let l = from; l <= to; l++) if (seen.has(l)) return true;
    return false;
  };
  for (const b of model.blocks) {
    if (b.skipped) continue;
    if (b.type === 'paragraph' || b.type === 'item') {
      if (b.type === 'paragraph' && b.label) continue;
      const text = b.text;
      const why =
        KEYWORD.test(text) && !BOILERPLATE.test(text)
          ? `has the keyword "${KEYWORD.exec(text)![1]}" but no recognizer read it as a rule (a keyword inside a question, a quote or a clause without a subject?)`
          : MARKER.test(text)
            ? 'opens with a marker but has no bold keyword (**DO**, **YOU SHOULD**, **AVOID**…) after it'
            : LIMIT.test(text)
              ? 'states a number with a comparator but neither a subject nor a keyword; write "- Subject: < 200ms" or a keyword sentence'
              : undefined;
      if (why && !covered(b, b.line, b.type === 'item' ? b.line : b.endLine))
        out.push({
          severity: 'warning',
          code: 'not-a-rule',
          message: `not compiled: ${why}`,
          line: b.line,
          column: b.column,
        });
    } else if (b.type === 'table') {
      for (const row of b.rows) {
        const first = row.cells[0] ?? '';
        if (
          /^\[?(?:[A-Z]{1,8}[-_.]?)?\d+(?:\.\d+)+\]?$|^[A-Z]{2,8}-\d+$/.test(first) &&
          !seen.has(row.line)
        )
          out.push({
            severity: 'warning',
            code: 'not-a-rule',
            message: `not compiled: row "${first}" looks like a requirement but its table has no description column of sentences (5 words or more)`,
            line: row.line,
            column: row.column,
          });
      }
    }
  }
  return out;
}

export function describeNoRules(model: DocumentModel): string {
  const count = (t: Block['type']) => model.blocks.filter((b) => b.type === t && !b.skipped).length;
  const seen = [
    [count('heading'), 'heading(s)'],
    [count('paragraph'), 'paragraph(s)'],
    [count('item'), 'list item(s)'],
    [count('table'), 'table(s)'],
    [count('code'), 'code block(s)'],
  ]
    .filter(([n]) => Number(n) > 0)
    .map(([n, what]) => `${n} ${what}`)
    .join(', ');
  const skipped = model.blocks.filter((b) => b.skipped).length;
  return (
    `no rules found (saw ${seen || 'no blocks'}${skipped ? `; ${skipped} block(s) in sections skipped as non-normative` : ''}): ` +
    'write thresholds as "- Subject: < 200ms", practices as imperative bullets ("- Use connection pooling"), ' +
    'RFC 2119 sentences ("Clients MUST …"), marked rules (":white_check_mark: **DO** …"), requirement tables ' +
    '(an id column and a "Verify that …" column), or captioned code ("**Incorrect:**" / "**Correct:**"); see docs/guideline-format.md'
  );
}
