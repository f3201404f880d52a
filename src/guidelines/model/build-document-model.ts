/**
 * Walks a parsed document once, in order, and builds the positioned document model: every block
 * with its section path (headings, then the bold label above it), list context (DO/DON'T mode,
 * group labels, a lead-in's level), author pins and anchors, and code captions. Sections about tools,
 * references and maintenance are kept but marked `skipped`, so lint can say why they gave no rules.
 */
import type { Code, List, ListItem, Node, Paragraph, Parent, Root, Table } from 'mdast';
import { toString } from 'mdast-util-to-string';
import { explicitLevel } from '../detect-level.js';
import type { Level } from '../schema.js';
import {
  type Block,
  type DocumentModel,
  type ListItemBlock,
  type ListMode,
} from './document-model.js';
import { indexLines, type LineIndex } from './index-lines.js';

const SKIP_SECTION =
  /^(?:resources?(?: and tools)?|(?:[\w-]+ )*tools|tooling|references?|see also|further reading|(?:useful )?links|related(?: \w+)*|updates? and maintenance|maintenance|change ?log|revision history|acknowledg\w*|glossary|table of contents|contents|toc|appendix(?: \w+)?)$/i;
const PIN = /<!--\s*steering-id:\s*([^\s>]+)\s*-->/;
const HTML_ANCHOR = /<a\s[^>]*?\b(?:name|id)\s*=\s*["']([^"']+)["'][^>]*>/i;
const BRACE_ANCHOR = /\s*\{#([A-Za-z0-9][\w.:-]*)\}\s*$/;

export interface ModelOptions {
  lowercaseKeywords?: boolean;
  defaultLevel?: Level;
  /** The source's line index, when the caller already built it. */
  lines?: LineIndex;
}

export function buildDocumentModel(
  root: Root,
  source: string,
  options: ModelOptions = {},
): DocumentModel {
  const model: DocumentModel = {
    source,
    blocks: [],
    lines: options.lines ?? indexLines(source),
    lowercaseKeywords: options.lowercaseKeywords ?? false,
    ...(options.defaultLevel ? { defaultLevel: options.defaultLevel } : {}),
  };
  const headings: Array<{ depth: number; text: string }> = [];
  let label: string | undefined;
  let mode: ListMode;
  let pendingPin: string | undefined;
  let pendingAnchor: string | undefined;
  let skipping = false;
  let quoteDepth = 0;
  let conditional = false;
  let previous: Block | undefined;

  const sectionPath = () => [...headings.map((h) => h.text), ...(label ? [label] : [])];
  const takePin = () => {
    const p = pendingPin;
    pendingPin = undefined;
    return p;
  };
  const takeAnchor = () => {
    const a = pendingAnchor;
    pendingAnchor = undefined;
    return a;
  };
  const base = (node: Node, section = sectionPath()) => ({
    index: model.blocks.length,
    section,
    headings: headings.map((h) => h.text),
    skipped: skipping,
    line: node.position?.start.line ?? 1,
    column: node.position?.start.column ?? 1,
    endLine: node.position?.end.line ?? node.position?.start.line ?? 1,
  });
  const push = (block: Block) => {
    model.blocks.push(block);
    previous = block;
  };

  const visitBlock = (node: Node) => {
    switch (node.type) {
      case 'heading': {
        const h = node as Parent & { depth: number };
        let text = clean(toString(h, { includeHtml: false }));
        const brace = BRACE_ANCHOR.exec(text);
        let anchor = takeAnchor() ?? anchorIn(h);
        if (brace) {
          anchor ??= brace[1];
          text = text.slice(0, brace.index).trim();
        }
        if (h.depth === 1 && model.title === undefined) {
          model.title = text;
          model.titleLine = h.position?.start.line;
          return;
        }
        while (headings.length && headings[headings.length - 1]!.depth >= h.depth) headings.pop();
        headings.push({ depth: h.depth, text });
        label = undefined;
        mode = undefined;
        skipping = headings.some((x) => SKIP_SECTION.test(x.text));
        push({ type: 'heading', ...base(h), depth: h.depth, text, ...(anchor ? { anchor } : {}) });
        return;
      }
      case 'html': {
        const value = (node as unknown as { value: string }).value;
        const pin = PIN.exec(value);
        if (pin) pendingPin = pin[1];
        const anchor = HTML_ANCHOR.exec(value);
        if (anchor && /^\s*<a\s[^>]*>\s*(<\/a>)?\s*$/i.test(value)) pendingAnchor = anchor[1];
        return;
      }
      case 'blockquote':
        quoteDepth++;
        for (const child of (node as Parent).children) visitBlock(child);
        quoteDepth--;
        return;
      case 'paragraph':
        return visitParagraph(node as Paragraph);
      case 'list':
        conditional =
          previous?.type === 'paragraph' &&
          !previous.label &&
          /:$/.test(previous.text) &&
          /^(?:if|when|unless|in case|once)\b/i.test(previous.text);
        visitList(node as List, sectionPath(), mode, leadInOf(previous), 0);
        conditional = false;
        return;
      case 'table':
        return visitTable(node as Table);
      case 'code':
        return visitCode(node as Code);
    }
  };

  const visitParagraph = (p: Paragraph) => {
    const only = p.children.filter((c) => !(c.type === 'text' && /^[\s:]*$/.test(c.value)));
    const text = clean(toString(p, { includeHtml: false }));
    if (only.length === 1 && only[0]!.type === 'strong' && !skipping) {
      label = clean(toString(only[0], { includeHtml: false })).replace(/:$/, '');
      mode = /^(do'?s|do)\b(?!\s*not)/i.test(label)
        ? 'do'
        : /^(don'?ts?|do not|never)\b/i.test(label)
          ? 'dont'
          : /^avoid\b/i.test(label)
            ? 'avoid'
            : undefined;
      push({
        type: 'paragraph',
        ...base(p, sectionPath().slice(0, -1)),
        node: p,
        text,
        ...offsetsOf(p),
        label,
      });
      return;
    }
    const pin = skipping ? undefined : (pinIn(p) ?? takePin());
    const anchor = takeAnchor() ?? anchorIn(p);
    const boldKeyword = hasBoldKeyword(p);
    push({
      ...(boldKeyword ? { boldKeyword } : {}),
      ...(quoteDepth > 0 ? { quoted: true } : {}),
      type: 'paragraph',
      ...base(p),
      node: p,
      text,
      ...offsetsOf(p),
      ...(pin ? { pin } : {}),
      ...(anchor ? { anchor } : {}),
    });
  };

  const visitList = (
    list: List,
    section: string[],
    listMode: ListMode,
    leadIn: ListItemBlock['leadIn'],
    depth: number,
  ) => {
    for (const item of list.children) visitItem(item, section, listMode, leadIn, depth);
  };

  const visitItem = (
    item: ListItem,
    section: string[],
    listMode: ListMode,
    leadIn: ListItemBlock['leadIn'],
    depth: number,
  ) => {
    const para = item.children.find((c): c is Paragraph => c.type === 'paragraph');
    const nested = item.children.filter((c): c is List => c.type === 'list');
    if (!para) {
      for (const l of nested) visitList(l, section, listMode, leadIn, depth + 1);
      return;
    }
    const text = clean(toString(para, { includeHtml: false }));
    const pinnedId = pinIn(para);
    const anchor = anchorIn(para);
    const boldKeyword = hasBoldKeyword(para);
    const block: ListItemBlock = {
      ...(boldKeyword ? { boldKeyword } : {}),
      type: 'item',
      ...base(para, section),
      endLine: item.position?.end.line ?? para.position?.end.line ?? 1,
      node: item,
      para,
      text,
      ...offsetsOf(para),
      mode: listMode,
      depth,
      ...(conditional ? { conditional } : {}),
      ...(pinnedId ? { pinnedId } : {}),
      ...(anchor ? { anchor } : {}),
      ...(leadIn ? { leadIn } : {}),
    };
    push(block);
    const itemMode: ListMode = /^(do'?s|do)\s*:?$/i.test(text)
      ? 'do'
      : /^(don'?ts?|do not|avoid|never)\s*:?$/i.test(text)
        ? 'dont'
        : listMode;
    const groupLabel = text.replace(/:$/, '');
    const ownLeadIn = leadInOf(block) ?? leadIn;
    for (const l of nested)
      visitList(
        l,
        groupLabel && groupLabel.length <= 60 ? [...section, groupLabel] : section,
        itemMode,
        ownLeadIn,
        depth + 1,
      );
  };

  const visitTable = (table: Table) => {
    const [head, ...rows] = table.children;
    if (!head) return;
    push({
      type: 'table',
      ...base(table),
      headers: head.children.map((c) => clean(toString(c, { includeHtml: false }))),
      rows: rows.map((row) => {
        const pinnedId = pinIn(row.children[0]);
        return {
          cells: row.children.map((c) => clean(toString(c, { includeHtml: false }))),
          node: row,
          line: row.position?.start.line ?? 1,
          column: row.position?.start.column ?? 1,
          ...(pinnedId ? { pinnedId } : {}),
        };
      }),
    });
  };

  const visitCode = (code: Code) => {
    const pin = skipping ? undefined : takePin();
    // The bold label right above, or an introducing sentence ending in ":" ("For pooled
    // connections, configure at the pooler level:").
    const caption =
      previous?.type === 'paragraph' && previous.label
        ? { text: previous.label, line: previous.line, column: previous.column }
        : previous?.type === 'paragraph' && /:$/.test(previous.text) && previous.text.length <= 160
          ? {
              text: previous.text.replace(/:$/, ''),
              line: previous.line,
              column: previous.column,
              sentence: true,
            }
          : undefined;
    push({
      type: 'code',
      ...base(code),
      node: code,
      lang: code.lang ?? null,
      value: code.value,
      ...(caption ? { caption } : {}),
      ...(pin ? { pin } : {}),
    });
  };

  for (const node of root.children) visitBlock(node);
  return model;
}

/** "At minimum, services MUST:" — a block ending in a colon whose keyword carries to the list below. */
function leadInOf(block: Block | undefined): ListItemBlock['leadIn'] {
  if (!block || (block.type !== 'paragraph' && block.type !== 'item')) return undefined;
  if (block.type === 'paragraph' && block.label) return undefined;
  if (!/:$/.test(block.text)) return undefined;
  // "Services MUST:", "clients SHOULD do the following:" — the keyword governs the colon.
  const tail = block.text.split(/\s+/).slice(-5).join(' ');
  const level = explicitLevel(tail);
  return level ? { level: level.level, source: `lead-in: ${level.source}` } : undefined;
}

const BOLD_KEYWORD =
  /^(must|must not|shall|shall not|should|should not|may|may not|required|recommended|optional)$/i;

function hasBoldKeyword(p: Paragraph): boolean {
  return p.children.some(
    (c) => c.type === 'strong' && BOLD_KEYWORD.test(clean(toString(c)).replace(/[:,.]$/, '')),
  );
}

function offsetsOf(node: Node): { offset: number; endOffset: number } {
  const offset = node.position?.start.offset ?? 0;
  return { offset, endOffset: node.position?.end.offset ?? offset };
}

export function clean(text: string): string {
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

function anchorIn(node: Parent | undefined): string | undefined {
  if (!node) return undefined;
  for (const child of node.children.slice(0, 3)) {
    if (child.type === 'html') {
      const m = HTML_ANCHOR.exec(child.value);
      if (m) return m[1];
    }
  }
  return undefined;
}
