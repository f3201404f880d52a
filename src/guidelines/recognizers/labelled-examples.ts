/**
 * Labelled examples outside the code: a code block captioned "**Incorrect (…):**" / "**Correct
 * (…):**", and tables whose column headers are verdicts — "Bad | Good", "Don't | Do",
 * "Wrong | Right", as markdown tables or as HTML tables with code in their cells. The label decides
 * the verdict, never the code's content (a Correct example may well contain `SELECT *`). A table
 * row is one rule holding the examples of its cells. Under a heading rule the examples attach to
 * that rule; elsewhere each is an example rule of its own.
 */
import { startsImperative } from '../classify-statement.js';
import type { CodeBlock, DocumentModel, TableBlock } from '../model/document-model.js';
import type { Example } from '../schema.js';
import { exampleStatement } from './code-markers.js';
import { headingRule } from './heading-rules.js';
import type { Proposal, Recognized, Recognizer } from './types.js';

const LABEL =
  /^(?:[^\p{L}]*)(incorrect|correct|bad|good|wrong|right|don'?t|do not|do|avoid|prefer(?:red)?)\b\s*(?:\(([^)]*)\)|[-–—:]\s*(.*))?\s*:?\s*$/iu;
const BAD = /^(incorrect|bad|wrong|don'?t|do not|avoid)$/i;

interface Heading {
  index: number;
  rule: boolean;
  text: string;
}

export const labelledExamples: Recognizer = {
  name: 'labelled-examples',
  recognize(model: DocumentModel): Recognized {
    const out: Recognized = { proposals: [], rejections: [] };
    let heading: Heading | undefined;
    const groups = new Map<string, Proposal>();
    for (const b of model.blocks) {
      if (b.type === 'heading') {
        heading = { index: b.index, rule: headingRule(b) !== undefined, text: b.text };
        continue;
      }
      if (b.type === 'table' && !b.skipped) out.proposals.push(...verdictTableRows(b, heading));
      if (b.type !== 'code' || b.skipped) continue;
      const proposal = captionedCode(b, heading);
      if (!proposal) continue;
      // The cells of one HTML table row are one rule.
      const row = b.cell && verdictOf(b.cell.header) ? b.cell.row : undefined;
      const group = row ? groups.get(row) : undefined;
      if (group) {
        group.examples = [...(group.examples ?? []), ...(proposal.examples ?? [])];
        group.alsoCovers = [...(group.alsoCovers ?? []), proposal.key];
        // The row prescribes what its good cell shows.
        if (proposal.examples?.[0]?.verdict === 'good') group.statement = proposal.statement;
        continue;
      }
      if (row) groups.set(row, proposal);
      out.proposals.push(proposal);
    }
    return out;
  },
};

function verdictOf(label: string): { verdict: 'good' | 'bad'; what: string } | undefined {
  const m = LABEL.exec(label);
  if (!m) return undefined;
  return { verdict: BAD.test(m[1]!) ? 'bad' : 'good', what: (m[2] ?? m[3] ?? '').trim() };
}

/** The code's verdict label: its table column's header ("Bad"), else its caption. */
function verdictLabel(b: CodeBlock) {
  if (b.cell && verdictOf(b.cell.header)) {
    const { line, column } = b;
    return { text: b.cell.header, line, column, inTable: true };
  }
  return b.caption ? { ...b.caption, inTable: false } : undefined;
}

function captionedCode(b: CodeBlock, heading: Heading | undefined): Proposal | undefined {
  const caption = verdictLabel(b);
  const v = caption ? verdictOf(caption.text) : undefined;
  if (!caption || !v) return undefined;
  const label = v.what || heading?.text || caption.text;
  return {
    kind: 'example',
    statement: exampleStatement(v.verdict, label),
    section: caption.inTable ? b.section : b.section.slice(0, -1),
    examples: [
      {
        verdict: v.verdict,
        label: caption.text,
        ...(b.lang ? { language: b.lang } : {}),
        code: b.value,
      },
    ],
    level: { level: 'SHOULD', source: `inferred: ${caption.text.toUpperCase()} example` },
    line: caption.line,
    column: caption.column,
    ...(b.pin ? { pinnedId: b.pin } : {}),
    recognizer: 'labelled-examples',
    evidence: caption.inTable
      ? `code in a table column headed "${caption.text}"`
      : `code captioned "${caption.text}"`,
    key: `b${b.index}`,
    priority: 15,
    ...(heading?.rule ? { attachTo: `b${heading.index}` } : {}),
  };
}

/** "| Bad | Good |": every column header a verdict; each row one rule with one example a cell. */
function verdictTableRows(b: TableBlock, heading: Heading | undefined): Proposal[] {
  const verdicts = b.headers.map((h) => verdictOf(h));
  if (b.headers.length < 2 || verdicts.some((v) => !v)) return [];
  return b.rows.flatMap((row, ri) => {
    const examples: Example[] = row.cells.flatMap((cell, c) =>
      cell.trim()
        ? [{ verdict: verdicts[c]!.verdict, label: b.headers[c]!, code: cell.trim() }]
        : [],
    );
    if (examples.length === 0) return [];
    return [
      {
        kind: 'example' as const,
        statement: rowStatementOf(examples),
        section: b.section,
        examples,
        level: { level: 'SHOULD' as const, source: `inferred: ${b.headers.join('/')} table` },
        line: row.line,
        column: row.column,
        ...(row.pinnedId ? { pinnedId: row.pinnedId } : {}),
        recognizer: 'labelled-examples',
        evidence: `row ${ri + 1} of a table headed "${b.headers.join(' | ')}"`,
        key: `b${b.index}:r${ri}`,
        priority: 15,
        ...(heading?.rule ? { attachTo: `b${heading.index}` } : {}),
      },
    ];
  });
}

/** "Use kebab-case" in the good cell is the rule; code cells read "Prefer `a` over `b`". */
function rowStatementOf(examples: readonly Example[]): string {
  const good = examples.find((e) => e.verdict === 'good');
  const bad = examples.find((e) => e.verdict === 'bad');
  if (good && startsImperative(good.code)) return good.code;
  if (good && bad) return `Prefer \`${good.code}\` over \`${bad.code}\``;
  return good ? exampleStatement('good', good.code) : exampleStatement('bad', bad!.code);
}
