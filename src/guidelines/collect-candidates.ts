/**
 * Walks a parsed document once, in order, and collects rule candidates: threshold and practice
 * bullets, table rows, RFC 2119 sentences and GOOD/BAD code examples, each with its section path
 * and source position. Sections about tools, references and maintenance are skipped whole.
 */
import type { Code, List, ListItem, Node, Paragraph, Parent, Root, Table } from 'mdast';
import { toString } from 'mdast-util-to-string';
import type { Diagnostic, Example, Level } from './schema.js';
import { classifyStatement, startsImperative } from './classify-statement.js';
import { extractExamples } from './extract-examples.js';
import { findAggregate, parseThreshold, type ParsedThreshold } from './parse-threshold.js';
import { explicitLevel } from './detect-level.js';

export interface Candidate {
  kind: 'threshold' | 'practice' | 'example';
  statement: string;
  section: string[];
  subject?: string;
  threshold?: ParsedThreshold & { subject: string; text: string; aggregateFromSection?: string };
  examples?: Example[];
  /** A level fixed by the context (a DO/DON'T list, an example marker). */
  level?: { level: Level; source: string };
  line: number;
  column: number;
  pinnedId?: string;
}

export interface Collected {
  title?: string;
  titleLine?: number;
  candidates: Candidate[];
  diagnostics: Diagnostic[];
}

const SKIP_SECTION =
  /^(?:resources?(?: and tools)?|(?:[\w-]+ )*tools|tooling|references?|see also|further reading|(?:useful )?links|updates? and maintenance|maintenance|change ?log|revision history|acknowledg\w*|glossary|table of contents|contents|appendix(?: \w+)?)$/i;
const PIN = /<!--\s*steering-id:\s*([^\s>]+)\s*-->/;
const BOILERPLATE = /RFC\s*2119|RFC\s*8174|BCP\s*14|key ?words/i;
const RFC_UPPER = /\b(MUST|SHALL|SHOULD|REQUIRED|RECOMMENDED|MAY|OPTIONAL)\b/;
const STYLE_START = /^(DO|DON'T|DO NOT|NEVER|ALWAYS|AVOID|PREFER|CONSIDER)\b/;
const SENTENCE_THRESHOLD =
  /(<=|>=|<|>|≤|≥|\bwithin\b|\bunder\b|\bbelow\b|\bat most\b|\bat least\b|\bless than\b|\bmore than\b|\bno more than\b)\s*\d[^.;]*/i;

type ListMode = 'do' | 'dont' | 'avoid' | undefined;

export function collectCandidates(root: Root, source: string): Collected {
  const out: Collected = { candidates: [], diagnostics: [] };
  const headings: Array<{ depth: number; text: string }> = [];
  let label: string | undefined;
  let mode: ListMode;
  let pendingPin: string | undefined;
  let skipping = false;

  const sectionPath = (extra: string[] = []) => [
    ...headings.map((h) => h.text),
    ...(label ? [label] : []),
    ...extra,
  ];
  const takePin = () => {
    const p = pendingPin;
    pendingPin = undefined;
    return p;
  };

  const visitBlock = (node: Node) => {
    switch (node.type) {
      case 'heading': {
        const h = node as Parent & { depth: number };
        const text = clean(toString(h, { includeHtml: false }));
        if (h.depth === 1 && out.title === undefined) {
          out.title = text;
          out.titleLine = h.position?.start.line;
          return;
        }
        while (headings.length && headings[headings.length - 1]!.depth >= h.depth) headings.pop();
        headings.push({ depth: h.depth, text });
        label = undefined;
        mode = undefined;
        skipping = headings.some((x) => SKIP_SECTION.test(x.text));
        return;
      }
      case 'html': {
        const pin = PIN.exec((node as unknown as { value: string }).value);
        if (pin) pendingPin = pin[1];
        return;
      }
      case 'blockquote':
        for (const child of (node as Parent).children) visitBlock(child);
        return;
    }
    if (skipping) return;
    switch (node.type) {
      case 'paragraph':
        return visitParagraph(node as Paragraph);
      case 'list':
        return visitList(node as List, sectionPath(), mode);
      case 'table':
        return visitTable(node as Table);
      case 'code':
        return visitCode(node as Code);
    }
  };

  const visitParagraph = (p: Paragraph) => {
    const only = p.children.filter((c) => !(c.type === 'text' && /^[\s:]*$/.test(c.value)));
    if (only.length === 1 && only[0]!.type === 'strong') {
      label = clean(toString(only[0]!, { includeHtml: false })).replace(/:$/, '');
      mode = /^(do'?s|do)\b(?!\s*not)/i.test(label)
        ? 'do'
        : /^(don'?ts?|do not|never)\b/i.test(label)
          ? 'dont'
          : /^avoid\b/i.test(label)
            ? 'avoid'
            : undefined;
      return;
    }
    const text = clean(toString(p, { includeHtml: false }));
    const pin = pinIn(p) ?? takePin();
    const start = p.position?.start.offset ?? 0;
    for (const sentence of splitSentences(text)) {
      const rfc = RFC_UPPER.test(sentence) && !BOILERPLATE.test(sentence);
      if (!rfc && !STYLE_START.test(sentence)) continue;
      const pos = positionOf(source, sentence, start, p);
      const cand: Candidate = {
        kind: 'practice',
        statement: sentence,
        section: sectionPath(),
        ...pos,
      };
      const thr = SENTENCE_THRESHOLD.exec(sentence);
      const parsed = thr ? parseThreshold(thr[0]) : undefined;
      if (thr && parsed?.comparator) {
        const subject =
          clean(sentence.slice(0, RFC_UPPER.exec(sentence)?.index ?? thr.index)) || sentence;
        cand.kind = 'threshold';
        cand.subject = subject;
        cand.threshold = { ...parsed, subject, text: thr[0].trim() };
      }
      if (pin && out.candidates.every((c) => c.pinnedId !== pin)) cand.pinnedId = pin;
      out.candidates.push(cand);
    }
  };

  const visitList = (list: List, section: string[], listMode: ListMode) => {
    for (const item of list.children) visitItem(item, section, listMode);
  };

  const visitItem = (item: ListItem, section: string[], listMode: ListMode) => {
    const para = item.children.find((c): c is Paragraph => c.type === 'paragraph');
    const nested = item.children.filter((c): c is List => c.type === 'list');
    if (!para) {
      for (const l of nested) visitList(l, section, listMode);
      return;
    }
    const text = clean(toString(para, { includeHtml: false }));
    const pos = { line: para.position?.start.line ?? 1, column: para.position?.start.column ?? 1 };
    const pinnedId = pinIn(para);
    const base = { section, ...pos, ...(pinnedId ? { pinnedId } : {}) };
    const itemMode: ListMode = /^(do'?s|do)\s*:?$/i.test(text)
      ? 'do'
      : /^(don'?ts?|do not|avoid|never)\s*:?$/i.test(text)
        ? 'dont'
        : listMode;

    if (listMode && text && !/:$/.test(text)) {
      out.candidates.push(modeCandidate(text, listMode, base));
    } else {
      const c = classifyStatement(text, { lowercaseModals: true });
      if (c.kind === 'threshold') {
        out.candidates.push(thresholdCandidate(text, c.subject, c.parsed, c.valueText, base));
      } else if (c.kind === 'practice') {
        out.candidates.push({ kind: 'practice', statement: text, ...base });
      } else if (c.kind === 'unreadable-threshold') {
        out.diagnostics.push({
          severity: 'warning',
          code: 'threshold-unreadable',
          message: `cannot read the threshold "${c.valueText}" of "${c.subject}"; write it as <comparator> <number><unit>, e.g. "< 200ms" or "> 99.9%" (not compiled into a rule)`,
          line: pos.line,
          column: pos.column + c.valueOffset,
        });
      }
    }
    const groupLabel = text.replace(/:$/, '');
    for (const l of nested)
      visitList(
        l,
        groupLabel && groupLabel.length <= 60 ? [...section, groupLabel] : section,
        itemMode,
      );
  };

  const thresholdCandidate = (
    statement: string,
    subject: string,
    parsed: ParsedThreshold,
    valueText: string,
    base: Omit<Candidate, 'kind' | 'statement'>,
  ): Candidate => {
    const aggregateFromSection = [...base.section].reverse().map(findAggregate).find(Boolean);
    return {
      kind: 'threshold',
      statement,
      subject,
      threshold: {
        ...parsed,
        subject,
        text: valueText,
        ...(aggregateFromSection ? { aggregateFromSection } : {}),
      },
      ...base,
    };
  };

  const modeCandidate = (
    text: string,
    listMode: Exclude<ListMode, undefined>,
    base: Omit<Candidate, 'kind' | 'statement'>,
  ): Candidate => {
    const explicit = explicitLevel(text, true);
    const negation =
      listMode === 'do' || /^(don'?t|do not|never|avoid|no)\b/i.test(text)
        ? ''
        : listMode === 'avoid'
          ? 'Avoid '
          : "Don't ";
    const statement = negation ? negation + lowerFirst(text) : text;
    const level = explicit
      ? { level: explicit.level, source: explicit.source }
      : listMode === 'avoid'
        ? { level: 'SHOULD' as const, source: 'AVOID list' }
        : { level: 'MUST' as const, source: listMode === 'do' ? 'DO list' : "DON'T list" };
    return { kind: 'practice', statement, level, ...base };
  };

  const visitTable = (table: Table) => {
    const [head, ...rows] = table.children;
    if (!head) return;
    const headers = head.children.map((c) =>
      clean(toString(c, { includeHtml: false })).toLowerCase(),
    );
    const valueCol = headers.findIndex(
      (h, i) =>
        i > 0 && /target|threshold|limit|budget|max|min|goal|sla|slo|value|requirement/.test(h),
    );
    const levelCol = headers.findIndex((h) => /level|priority|requirement|must|keyword/.test(h));
    const aggCol = headers.findIndex((h) => /percentile|aggregate|statistic/.test(h));
    for (const row of rows) {
      const cells = row.children.map((c) => clean(toString(c, { includeHtml: false })));
      const subject = cells[0] ?? '';
      if (!subject) continue;
      const pos = { line: row.position?.start.line ?? 1, column: row.position?.start.column ?? 1 };
      const pinnedId = pinIn(row.children[0] as Parent | undefined);
      const levelText = levelCol >= 0 ? cells[levelCol] : undefined;
      const explicit = levelText ? explicitLevel(levelText.toUpperCase()) : undefined;
      const base = {
        section: sectionPath(),
        ...pos,
        ...(pinnedId ? { pinnedId } : {}),
        ...(explicit ? { level: { level: explicit.level, source: explicit.source } } : {}),
      };
      const order = valueCol >= 0 ? [valueCol] : cells.map((_, i) => i).slice(1);
      let done = false;
      for (const i of order) {
        const cell = cells[i];
        if (!cell || i === levelCol) continue;
        const parsed = parseThreshold(
          aggCol >= 0 && cells[aggCol] ? `${cells[aggCol]} ${cell}` : cell,
        );
        if (parsed && (parsed.comparator || parsed.unit)) {
          out.candidates.push(
            thresholdCandidate(`${subject}: ${cell}`, subject, parsed, cell, base),
          );
          done = true;
          break;
        }
      }
      if (!done && (startsImperative(subject) || explicitLevel(subject))) {
        out.candidates.push({ kind: 'practice', statement: subject, ...base });
      }
    }
  };

  const visitCode = (code: Code) => {
    const pin = takePin();
    const startLine =
      (code.position?.start.line ?? 0) +
      (code.position && code.position.start.line !== code.position.end.line ? 1 : 0);
    const indent = (code.position?.start.column ?? 1) - 1;
    for (const ex of extractExamples(code.value)) {
      const statement = exampleStatement(ex.verdict, ex.label);
      const explicit = explicitLevel(ex.label);
      out.candidates.push({
        kind: 'example',
        statement,
        section: sectionPath(),
        examples: [
          {
            verdict: ex.verdict,
            label: ex.label,
            ...(code.lang ? { language: code.lang } : {}),
            code: ex.code,
          },
        ],
        level: explicit
          ? { level: explicit.level, source: explicit.source }
          : { level: 'SHOULD', source: `inferred: ${ex.marker} example` },
        line: startLine + ex.line,
        column: indent + ex.column + 1,
        ...(ex.pinnedId ? { pinnedId: ex.pinnedId } : pin ? { pinnedId: pin } : {}),
      });
    }
  };

  for (const node of root.children) visitBlock(node);
  return out;
}

function exampleStatement(verdict: 'good' | 'bad', label: string): string {
  const text = label.replace(/[.:]\s*$/, '');
  if (verdict === 'bad')
    return /^(avoid|don'?t|do not|never|no)\b/i.test(text) ? text : `Avoid ${lowerFirst(text)}`;
  return startsImperative(text) ? text : `Prefer ${lowerFirst(text)}`;
}

function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text[0]!.toLowerCase() + text.slice(1) : text;
}

function clean(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function pinIn(node: Parent | undefined): string | undefined {
  if (!node) return undefined;
  for (const child of node.children ?? []) {
    if (child.type === 'html') {
      const m = PIN.exec(child.value);
      if (m) return m[1];
    }
  }
  return undefined;
}

function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+(?=[A-Z"“(])/)
    .map((s) => s.trim())
    .filter(Boolean);
}

function positionOf(
  source: string,
  sentence: string,
  from: number,
  p: Paragraph,
): { line: number; column: number } {
  const probe = sentence.slice(0, 24);
  const at = source.indexOf(probe, from);
  if (at < 0) return { line: p.position?.start.line ?? 1, column: p.position?.start.column ?? 1 };
  const before = source.slice(0, at);
  const line = before.split('\n').length;
  return { line, column: at - before.lastIndexOf('\n') };
}
