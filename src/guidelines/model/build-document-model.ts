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
  type CodeBlock,
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
  const walker = new ModelWalker({
    source,
    blocks: [],
    lines: options.lines ?? indexLines(source),
    lowercaseKeywords: options.lowercaseKeywords ?? false,
    ...(options.defaultLevel ? { defaultLevel: options.defaultLevel } : {}),
  });
  for (const node of root.children) walker.visitBlock(node);
  return walker.model;
}

/** The walk's state: where in the document it stands, and what the next block inherits. */
class ModelWalker {
  private readonly headings: Array<{ depth: number; text: string }> = [];
  /** The bold label of the current group ("**Query Optimization**"). */
  private label: string | undefined;
  private mode: ListMode;
  /** A `<!-- steering-id: x -->` or `<a name="x">` on its own line, for the next block. */
  private pendingPin: string | undefined;
  private pendingAnchor: string | undefined;
  private skipping = false;
  private quoteDepth = 0;
  /** The list being walked follows a conditional lead-in ("If you promise to:"). */
  private conditional = false;
  private previous: Block | undefined;
  /** The HTML table being walked (`<table>` … `</table>` spread over html nodes), if any. */
  private htmlTable: { id: number; columns: string[]; row: number; cell: number } | undefined;
  private htmlTables = 0;

  constructor(readonly model: DocumentModel) {}

  visitBlock(node: Node): void {
    switch (node.type) {
      case 'heading':
        return this.visitHeading(node as Parent & { depth: number });
      case 'html':
        return this.visitHtml((node as unknown as { value: string }).value);
      case 'blockquote':
        this.quoteDepth++;
        for (const child of (node as Parent).children) this.visitBlock(child);
        this.quoteDepth--;
        return;
      case 'paragraph':
        return this.visitParagraph(node as Paragraph);
      case 'list': {
        const previous = this.previous;
        this.conditional =
          previous?.type === 'paragraph' &&
          !previous.label &&
          /:$/.test(previous.text) &&
          /^(?:if|when|unless|in case|once)\b/i.test(previous.text);
        this.visitList(node as List, this.sectionPath(), this.mode, leadInOf(previous), 0);
        this.conditional = false;
        return;
      }
      case 'table':
        return this.visitTable(node as Table);
      case 'code':
        return this.visitCode(node as Code);
    }
  }

  private sectionPath(): string[] {
    return [...this.headings.map((h) => h.text), ...(this.label ? [this.label] : [])];
  }

  private takePin(): string | undefined {
    const p = this.pendingPin;
    this.pendingPin = undefined;
    return p;
  }

  private takeAnchor(): string | undefined {
    const a = this.pendingAnchor;
    this.pendingAnchor = undefined;
    return a;
  }

  private base(node: Node, section = this.sectionPath()) {
    return {
      index: this.model.blocks.length,
      section,
      headings: this.headings.map((h) => h.text),
      skipped: this.skipping,
      line: node.position?.start.line ?? 1,
      column: node.position?.start.column ?? 1,
      endLine: node.position?.end.line ?? node.position?.start.line ?? 1,
    };
  }

  private push(block: Block): void {
    this.model.blocks.push(block);
    this.previous = block;
  }

  private visitHeading(h: Parent & { depth: number }): void {
    let text = clean(toString(h, { includeHtml: false }));
    const brace = BRACE_ANCHOR.exec(text);
    let anchor = this.takeAnchor() ?? anchorIn(h);
    if (brace) {
      anchor ??= brace[1];
      text = text.slice(0, brace.index).trim();
    }
    if (h.depth === 1 && this.model.title === undefined) {
      this.model.title = text;
      this.model.titleLine = h.position?.start.line;
      return;
    }
    const headings = this.headings;
    while (headings.length && headings[headings.length - 1]!.depth >= h.depth) headings.pop();
    headings.push({ depth: h.depth, text });
    this.label = undefined;
    this.mode = undefined;
    this.skipping = headings.some((x) => SKIP_SECTION.test(x.text));
    this.push({
      type: 'heading',
      ...this.base(h),
      depth: h.depth,
      text,
      ...(anchor ? { anchor } : {}),
    });
  }

  private visitHtml(value: string): void {
    const pin = PIN.exec(value);
    if (pin) this.pendingPin = pin[1];
    const anchor = HTML_ANCHOR.exec(value);
    if (anchor && /^\s*<a\s[^>]*>\s*(<\/a>)?\s*$/i.test(value)) this.pendingAnchor = anchor[1];
    this.readHtmlTable(value);
  }

  /** Follows `<table>`, `<tr>`, `<th>` and `<td>` tags so code inside a cell knows its column. */
  private readHtmlTable(value: string): void {
    const tag = /<(\/?)(table|tr|th|td)\b[^>]*>/gi;
    for (let m = tag.exec(value); m; m = tag.exec(value)) {
      const closing = m[1] === '/';
      const name = m[2]!.toLowerCase();
      if (name === 'table') {
        this.htmlTable = closing
          ? undefined
          : { id: this.htmlTables++, columns: [], row: -1, cell: -1 };
        continue;
      }
      const t = this.htmlTable;
      if (!t || closing) continue;
      if (name === 'tr') {
        t.row++;
        t.cell = -1;
      } else if (name === 'td') t.cell++;
      else {
        const text = /^([^<]*)<\/th>/i.exec(value.slice(m.index + m[0].length))?.[1] ?? '';
        t.columns.push(clean(text));
      }
    }
  }

  private visitParagraph(p: Paragraph): void {
    const only = p.children.filter((c) => !(c.type === 'text' && /^[\s:]*$/.test(c.value)));
    const text = clean(toString(p, { includeHtml: false }));
    if (only.length === 1 && only[0]!.type === 'strong' && !this.skipping) {
      const label = clean(toString(only[0], { includeHtml: false })).replace(/:$/, '');
      this.label = label;
      this.mode = labelMode(label);
      this.push({
        type: 'paragraph',
        ...this.base(p, this.sectionPath().slice(0, -1)),
        node: p,
        text,
        ...offsetsOf(p),
        label,
      });
      return;
    }
    const pin = this.skipping ? undefined : (pinIn(p) ?? this.takePin());
    const anchor = this.takeAnchor() ?? anchorIn(p);
    const boldKeyword = hasBoldKeyword(p);
    this.push({
      ...(boldKeyword ? { boldKeyword } : {}),
      ...(this.quoteDepth > 0 ? { quoted: true } : {}),
      type: 'paragraph',
      ...this.base(p),
      node: p,
      text,
      ...offsetsOf(p),
      ...(pin ? { pin } : {}),
      ...(anchor ? { anchor } : {}),
    });
  }

  private visitList(
    list: List,
    section: string[],
    listMode: ListMode,
    leadIn: ListItemBlock['leadIn'],
    depth: number,
  ): void {
    for (const item of list.children) this.visitItem(item, section, listMode, leadIn, depth);
  }

  private visitItem(
    item: ListItem,
    section: string[],
    listMode: ListMode,
    leadIn: ListItemBlock['leadIn'],
    depth: number,
  ): void {
    const para = item.children.find((c): c is Paragraph => c.type === 'paragraph');
    const nested = item.children.filter((c): c is List => c.type === 'list');
    if (!para) {
      for (const l of nested) this.visitList(l, section, listMode, leadIn, depth + 1);
      return;
    }
    const text = clean(toString(para, { includeHtml: false }));
    const pinnedId = pinIn(para);
    const anchor = anchorIn(para);
    const boldKeyword = hasBoldKeyword(para);
    const block: ListItemBlock = {
      ...(boldKeyword ? { boldKeyword } : {}),
      type: 'item',
      ...this.base(para, section),
      endLine: item.position?.end.line ?? para.position?.end.line ?? 1,
      node: item,
      para,
      text,
      ...offsetsOf(para),
      mode: listMode,
      depth,
      ...(this.conditional ? { conditional: true } : {}),
      ...(pinnedId ? { pinnedId } : {}),
      ...(anchor ? { anchor } : {}),
      ...(leadIn ? { leadIn } : {}),
    };
    this.push(block);
    // A group item ("Do:", "Query Optimization:") gives its nested list a mode and a section.
    const groupLabel = text.replace(/:$/, '');
    for (const l of nested)
      this.visitList(
        l,
        groupLabel && groupLabel.length <= 60 ? [...section, groupLabel] : section,
        itemMode(text, listMode),
        leadInOf(block) ?? leadIn,
        depth + 1,
      );
  }

  private visitTable(table: Table): void {
    const [head, ...rows] = table.children;
    if (!head) return;
    this.push({
      type: 'table',
      ...this.base(table),
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
  }

  private visitCode(code: Code): void {
    const pin = this.skipping ? undefined : this.takePin();
    const t = this.htmlTable;
    const header = t && t.cell >= 0 ? t.columns[t.cell] : undefined;
    const cell = header ? { header, row: `h${t!.id}:r${t!.row}` } : undefined;
    // In a table cell, the text before the table captions the table, not this block.
    const caption = t ? undefined : captionOf(this.previous);
    this.push({
      type: 'code',
      ...this.base(code),
      node: code,
      lang: code.lang ?? null,
      value: code.value,
      ...(caption ? { caption } : {}),
      ...(cell ? { cell } : {}),
      ...(pin ? { pin } : {}),
    });
  }
}

/** "**Do**", "**Don't**", "**Avoid**" above a list set the mode of its items. */
function labelMode(label: string): ListMode {
  if (/^(do'?s|do)\b(?!\s*not)/i.test(label)) return 'do';
  if (/^(don'?ts?|do not|never)\b/i.test(label)) return 'dont';
  if (/^avoid\b/i.test(label)) return 'avoid';
  return undefined;
}

/** An item that is only "Do:" or "Don't:" sets the mode of its nested list. */
function itemMode(text: string, listMode: ListMode): ListMode {
  if (/^(do'?s|do)\s*:?$/i.test(text)) return 'do';
  if (/^(don'?ts?|do not|avoid|never)\s*:?$/i.test(text)) return 'dont';
  return listMode;
}

/**
 * A code block's caption: the bold label right above, or an introducing sentence ending in ":"
 * ("For pooled connections, configure at the pooler level:").
 */
function captionOf(previous: Block | undefined): CodeBlock['caption'] {
  if (previous?.type !== 'paragraph') return undefined;
  if (previous.label) return { text: previous.label, line: previous.line, column: previous.column };
  if (/:$/.test(previous.text) && previous.text.length <= 160)
    return {
      text: previous.text.replace(/:$/, ''),
      line: previous.line,
      column: previous.column,
      sentence: true,
    };
  return undefined;
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
