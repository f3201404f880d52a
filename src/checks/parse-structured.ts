/**
 * JSON, YAML (every document of a multi-document stream) and Java .properties files as trees that
 * keep each value's position, so a json-yaml-path check can point at file:line.
 */
import { LineCounter, isMap, isScalar, isSeq, isPair, parseAllDocuments, type Node } from 'yaml';
import { UNRESOLVED_PREFIX } from './neutralize-helm.js';

export interface Pos {
  line: number;
  column: number;
}

export type Tree =
  | { kind: 'map'; entries: { key: string; value: Tree }[]; pos: Pos }
  | { kind: 'seq'; items: Tree[]; pos: Pos }
  | { kind: 'scalar'; value: unknown; pos: Pos; unresolved?: string };

export interface ParsedFile {
  documents: Tree[];
  errors: { message: string; pos: Pos }[];
}

export function parseStructured(path: string, text: string): ParsedFile {
  if (path.endsWith('.properties')) return { documents: [parseProperties(text)], errors: [] };
  const lc = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lc, uniqueKeys: false });
  const out: ParsedFile = { documents: [], errors: [] };
  const list = Array.isArray(docs) ? docs : [];
  for (const doc of list) {
    for (const e of doc.errors) {
      const p = lc.linePos(e.pos[0]);
      out.errors.push({
        message: e.message.split('\n')[0] as string,
        pos: { line: p.line, column: p.col },
      });
    }
    if (doc.errors.length > 0 || !doc.contents) continue;
    out.documents.push(toTree(doc.contents, lc));
  }
  return out;
}

function toTree(node: Node | null | undefined, lc: LineCounter): Tree {
  const at = (n: Node | null | undefined): Pos => {
    const p = lc.linePos(n?.range?.[0] ?? 0);
    return { line: p.line, column: p.col };
  };
  if (isMap(node)) {
    const entries: { key: string; value: Tree }[] = [];
    for (const item of node.items) {
      if (!isPair(item)) continue;
      const key = isScalar(item.key) ? String(item.key.value) : String(item.key);
      const value =
        item.value === null
          ? { kind: 'scalar' as const, value: null, pos: at(item.key as Node) }
          : toTree(item.value as Node, lc);
      entries.push({ key, value });
    }
    return { kind: 'map', entries, pos: at(node) };
  }
  if (isSeq(node))
    return { kind: 'seq', items: node.items.map((i) => toTree(i as Node, lc)), pos: at(node) };
  if (isScalar(node)) {
    const v = node.value;
    if (typeof v === 'string' && v.startsWith(UNRESOLVED_PREFIX)) {
      return {
        kind: 'scalar',
        value: undefined,
        pos: at(node),
        unresolved: v.slice(UNRESOLVED_PREFIX.length),
      };
    }
    return { kind: 'scalar', value: v, pos: at(node) };
  }
  return { kind: 'scalar', value: null, pos: at(node) };
}

/** `a.b.c=value` lines as one flat map of dotted keys; the path resolver joins segments to match. */
function parseProperties(text: string): Tree {
  const entries: { key: string; value: Tree }[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const m = /^(\s*)([^#!\s=:][^=:]*?)\s*[=:]\s*(.*)$/.exec(line);
    if (!m) continue;
    const raw = (m[3] as string).trim();
    const value = /^-?\d+(\.\d+)?$/.test(raw)
      ? Number(raw)
      : raw === 'true' || raw === 'false'
        ? raw === 'true'
        : raw;
    const pos = { line: i + 1, column: (m[1] as string).length + 1 };
    entries.push({ key: (m[2] as string).trim(), value: { kind: 'scalar', value, pos } });
  }
  return { kind: 'map', entries, pos: { line: 1, column: 1 } };
}
