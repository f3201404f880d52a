/**
 * Regex hits in a file's text, as evidence with 1-based line and column. Comments can be blanked
 * first (same length, so positions hold) so that commented-out code neither passes nor fails.
 */
import type { Evidence } from './types.js';
import { indexLines, type LineIndex } from '../guidelines/index.js';

export interface Hit extends Evidence {
  /** The matched text. */
  match: string;
}

export function snippetOf(text: string, line: number): string {
  const l = text.split('\n', line)[line - 1] ?? '';
  const t = l.trim();
  return t.length > 200 ? `${t.slice(0, 197)}...` : t;
}

export function findMatches(
  path: string,
  text: string,
  re: RegExp,
  ignoreIf?: RegExp,
  limit = 50,
): Hit[] {
  const hits: Hit[] = [];
  // Line starts are computed on the first hit only: most files of a scan match nothing.
  let lines: LineIndex | undefined;
  // exec on the expression itself, as matchAll would on a copy (no copy and iterator per file).
  if (!re.global) throw new TypeError('findMatches needs a global expression (flag g)');
  const unicode = re.unicode || re.flags.includes('v');
  re.lastIndex = 0;
  try {
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      // An empty match moves on by one character (one code point with flag u), as matchAll does.
      if (m[0] === '') re.lastIndex = advance(text, re.lastIndex, unicode);
      if (ignoreIf && ignoreIf.test(m[0])) continue;
      lines ??= indexLines(text);
      // A pattern that starts with `^\s*` (flag m) can begin on a blank line above the hit:
      // the evidence is where the matched text itself starts.
      const lead = /^\s*/.exec(m[0])?.[0].length ?? 0;
      const pos = lines.at(m.index + (lead < m[0].length ? lead : 0));
      const start = lines.starts[pos.line - 1];
      const end = text.indexOf('\n', start);
      const raw = text.slice(start, end < 0 ? undefined : end).trim();
      hits.push({
        path,
        ...pos,
        snippet: raw.length > 200 ? `${raw.slice(0, 197)}...` : raw,
        match: m[0],
      });
      if (hits.length >= limit) break;
    }
  } finally {
    re.lastIndex = 0;
  }
  return hits;
}

/** The index after `i`, by one code unit, or one code point when the expression is unicode. */
function advance(text: string, i: number, unicode: boolean): number {
  if (!unicode || i + 1 >= text.length) return i + 1;
  const c = text.charCodeAt(i);
  if (c < 0xd800 || c > 0xdbff) return i + 1;
  const d = text.charCodeAt(i + 1);
  return d >= 0xdc00 && d <= 0xdfff ? i + 2 : i + 1;
}

type CommentStyle = { line: string[]; block?: [string, string] };

const HASH_COMMENTS = new Set([
  'py',
  'yml',
  'yaml',
  'sh',
  'bash',
  'properties',
  'toml',
  'cfg',
  'conf',
  'env',
  'txt',
  'options',
]);
const C_COMMENTS = new Set([
  'java',
  'kt',
  'kts',
  'groovy',
  'gradle',
  'scala',
  'js',
  'jsx',
  'ts',
  'tsx',
  'mjs',
  'cjs',
  'go',
]);
const MARKUP_COMMENTS = new Set(['xml', 'jmx', 'html']);
const HASH: CommentStyle = { line: ['#'] };
const C_STYLE: CommentStyle = { line: ['//'], block: ['/*', '*/'] };
const SQL: CommentStyle = { line: ['--'], block: ['/*', '*/'] };
const MARKUP: CommentStyle = { line: [], block: ['<!--', '-->'] };

/** The comment style of a file by its extension (or name): the sets are built once. */
function styleFor(path: string): CommentStyle | undefined {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const ext = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1).toLowerCase() : name;
  if (HASH_COMMENTS.has(ext)) return HASH;
  if (ext === 'Dockerfile' || name.startsWith('Dockerfile')) return HASH;
  if (C_COMMENTS.has(ext)) return C_STYLE;
  if (ext === 'sql') return SQL;
  if (MARKUP_COMMENTS.has(ext)) return MARKUP;
  return undefined;
}

/**
 * Blanks full-line comments and block comments with spaces, keeping newlines and offsets. Trailing
 * comments after code are left alone: telling `#` in a string from a comment needs a real lexer.
 */
export function blankComments(path: string, text: string): string {
  const style = styleFor(path);
  if (!style) return text;
  const { block, line } = commentRegExps(style);
  let out = text;
  // Most files have no comment of one kind or the other: a substring search says so faster than
  // the expression over the whole text.
  if (block && style.block && out.includes(style.block[0]))
    out = out.replace(block, (c) => c.replace(/[^\n]/g, ' '));
  if (line && style.line.some((m) => out.includes(m)))
    out = out.replace(line, (c) => c.replace(/[^\n]/g, ' '));
  return out;
}

/** The comment expressions of a style (one of the constants above), built once per style. */
const commentCache = new Map<CommentStyle, { block?: RegExp; line?: RegExp }>();

function commentRegExps(style: CommentStyle): { block?: RegExp; line?: RegExp } {
  let res = commentCache.get(style);
  if (res) return res;
  res = {};
  if (style.block) {
    const [open, close] = style.block;
    // Only blocks that open a line: `/*` inside a string ("src/**/*.ts") must not swallow code.
    res.block = new RegExp(`^([ \\t]*)${escape(open)}[\\s\\S]*?${escape(close)}`, 'gm');
  }
  if (style.line.length > 0) {
    const alt = style.line.map(escape).join('|');
    res.line = new RegExp(`^([ \\t]*)(?:${alt}).*$`, 'gm');
  }
  commentCache.set(style, res);
  return res;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
