/**
 * Optional YAML frontmatter: `id`, `title`, `owners`, `applies_to`. Errors carry the position in the
 * document (the YAML parser's position shifted past the opening `---`).
 */
import { parseDocument } from 'yaml';
import type { Diagnostic } from './schema.js';
import { indexLines } from './model/index-lines.js';

export interface Frontmatter {
  id?: string;
  title?: string;
  owners?: string[];
  appliesTo?: Record<string, string[]>;
  /** Level of unmarked imperatives: `level: SHOULD`. */
  level?: 'MUST' | 'SHOULD' | 'MAY';
  /** `normative: true`: lower-case must/should/may in prose are keywords; `false` switches it off. */
  normative?: boolean;
}

const KNOWN = new Set([
  'id',
  'title',
  'owners',
  'applies_to',
  'description',
  'version',
  'status',
  'tags',
  'grace',
]);

export function readFrontmatter(
  yamlText: string,
  startLine: number,
): { frontmatter: Frontmatter; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const at = (
    line: number,
    column: number,
    severity: Diagnostic['severity'],
    code: string,
    message: string,
  ) => diagnostics.push({ severity, code, message, line: startLine + line, column });
  const doc = parseDocument(yamlText, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const pos = e.linePos?.[0];
      at(
        pos?.line ?? 1,
        pos?.col ?? 1,
        'error',
        'frontmatter-invalid',
        `frontmatter is not valid YAML: ${e.message.split('\n')[0]}`,
      );
    }
    return { frontmatter: {}, diagnostics };
  }
  const data: unknown = doc.toJS();
  if (data === null || data === undefined) return { frontmatter: {}, diagnostics };
  if (typeof data !== 'object' || Array.isArray(data)) {
    at(
      1,
      1,
      'error',
      'frontmatter-invalid',
      'frontmatter must be a YAML mapping (key: value lines)',
    );
    return { frontmatter: {}, diagnostics };
  }
  const yamlLines = indexLines(yamlText);
  const lineOf = (key: string): number => {
    const node =
      doc.contents && 'items' in doc.contents
        ? (
            doc.contents.items as unknown as Array<{ key: { value?: unknown; range?: [number] } }>
          ).find((p) => p.key?.value === key)
        : undefined;
    const offset = node?.key?.range?.[0] ?? 0;
    return yamlLines.lineOf(offset);
  };
  const fm: Frontmatter = {};
  const record = data as Record<string, unknown>;
  for (const [key, value] of Object.entries(record)) {
    const line = lineOf(key);
    switch (key) {
      case 'id':
        if (typeof value === 'number' && Number.isInteger(value) && value >= 0)
          fm.id = String(value);
        else if (typeof value !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(value)) {
          at(
            line,
            1,
            'error',
            'frontmatter-invalid',
            `frontmatter "id" must be lower-case letters, digits and dashes (got ${JSON.stringify(value)})`,
          );
        } else fm.id = value;
        break;
      case 'title':
        if (typeof value !== 'string')
          at(line, 1, 'error', 'frontmatter-invalid', 'frontmatter "title" must be a string');
        else fm.title = value;
        break;
      case 'owners': {
        const owners = typeof value === 'string' ? [value] : value;
        if (!Array.isArray(owners) || owners.some((o) => typeof o !== 'string')) {
          at(
            line,
            1,
            'error',
            'frontmatter-invalid',
            'frontmatter "owners" must be a string or a list of strings',
          );
        } else fm.owners = owners as string[];
        break;
      }
      case 'level':
        if (value !== 'MUST' && value !== 'SHOULD' && value !== 'MAY')
          at(
            line,
            1,
            'error',
            'frontmatter-invalid',
            'frontmatter "level" must be MUST, SHOULD or MAY',
          );
        else fm.level = value;
        break;
      case 'normative':
        if (typeof value !== 'boolean')
          at(
            line,
            1,
            'error',
            'frontmatter-invalid',
            'frontmatter "normative" must be true or false',
          );
        else fm.normative = value;
        break;
      case 'applies_to': {
        const applies = readAppliesTo(value);
        if (!applies) {
          at(
            line,
            1,
            'error',
            'frontmatter-invalid',
            'frontmatter "applies_to" must map selectors (topics, languages, repos, orgs) to lists of strings',
          );
        } else fm.appliesTo = applies;
        break;
      }
      default:
        if (!KNOWN.has(key))
          at(
            line,
            1,
            'warning',
            'frontmatter-unknown-field',
            `unknown frontmatter field "${key}" (known: id, title, owners, applies_to, level, normative)`,
          );
    }
  }
  return { frontmatter: fm, diagnostics };
}

function readAppliesTo(value: unknown): Record<string, string[]> | undefined {
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return { topics: value };
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(value)) {
    const list = typeof v === 'string' ? [v] : v;
    if (!Array.isArray(list) || list.some((x) => typeof x !== 'string')) return undefined;
    out[k] = list as string[];
  }
  return out;
}
