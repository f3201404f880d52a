/**
 * The positioned document model: the walker reads the markdown tree once and turns it into a flat,
 * ordered list of blocks (headings, paragraphs, list items, tables, code) that carry everything a
 * recognizer needs — the section path, the bold label above them, the DO/DON'T list mode, an author
 * pin, a code block's caption — so recognizers never walk the tree or slice the source themselves.
 */
import type { Code, ListItem, Paragraph, TableRow } from 'mdast';
import type { Level } from '../schema.js';
import type { LineIndex } from './index-lines.js';

export type ListMode = 'do' | 'dont' | 'avoid' | undefined;

interface BlockBase {
  /** Index in `DocumentModel.blocks`. */
  index: number;
  /** Headings then the bold label, outermost first (the document title excluded). */
  section: string[];
  /** The headings alone. */
  headings: string[];
  /** True inside a section that holds no rules (Tools, References, Changelog…). */
  skipped: boolean;
  line: number;
  column: number;
  endLine: number;
}

export interface HeadingBlock extends BlockBase {
  type: 'heading';
  depth: number;
  text: string;
  /** `{#x}` or `<a name="x">` in the heading. */
  anchor?: string;
}

export interface ParagraphBlock extends BlockBase {
  type: 'paragraph';
  node: Paragraph;
  text: string;
  /** Start and end offsets in the source. */
  offset: number;
  endOffset: number;
  /** The paragraph is only a bold label ("**Query Optimization**"). */
  label?: string;
  pin?: string;
  /** An HTML anchor before the text (`<a name="x"></a>`). */
  anchor?: string;
  /** A keyword in bold (`**must**`): lower-case keywords in this block count. */
  boldKeyword?: boolean;
  /** Inside a block quote (`> …`). */
  quoted?: boolean;
}

export interface ListItemBlock extends BlockBase {
  type: 'item';
  node: ListItem;
  para: Paragraph;
  text: string;
  offset: number;
  endOffset: number;
  mode: ListMode;
  pinnedId?: string;
  anchor?: string;
  boldKeyword?: boolean;
  /** Under a conditional lead-in paragraph ("If you promise to:"): items are conditions, not orders. */
  conditional?: boolean;
  /** A lead-in sentence ending in ":" with its own level ("Services MUST:"). */
  leadIn?: { level: Level; source: string };
  depth: number;
}

export interface TableRowModel {
  cells: string[];
  node: TableRow;
  line: number;
  column: number;
  pinnedId?: string;
}

export interface TableBlock extends BlockBase {
  type: 'table';
  headers: string[];
  rows: TableRowModel[];
}

export interface CodeBlock extends BlockBase {
  type: 'code';
  node: Code;
  lang: string | null;
  value: string;
  /** The bold label right above the block, with its line. */
  caption?: { text: string; line: number; column: number; sentence?: boolean };
  /**
   * Inside an HTML table (`<th>Bad</th><th>Good</th>` … `<td>` code `</td>`): the header of the
   * column the block sits in, and `row` naming its table row.
   */
  cell?: { header: string; row: string };
  pin?: string;
}

export type Block = HeadingBlock | ParagraphBlock | ListItemBlock | TableBlock | CodeBlock;

export interface DocumentModel {
  source: string;
  title?: string;
  titleLine?: number;
  blocks: Block[];
  /** Offset → line:column over `source` (binary search over line starts; no slicing). */
  lines: LineIndex;
  /** Lower-case "must/should/may" count as keywords in prose (frontmatter or a declaration). */
  lowercaseKeywords: boolean;
  /** Level of unmarked imperatives (frontmatter `level:`), MUST by default. */
  defaultLevel?: Level;
}
