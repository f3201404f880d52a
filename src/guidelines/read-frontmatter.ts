/**
 * Optional YAML frontmatter: `id`, `title`, `owners`, `applies_to`. Errors carry the position in the
 * document (the YAML parser's position shifted past the opening `---`).
 */
import { parseDocument, type Document } from 'yaml';
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
  const at = (line: number, column: number, problem: FieldProblem) =>
    diagnostics.push({ ...problem, line: startLine + line, column });
  const doc = parseDocument(yamlText, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const pos = e.linePos?.[0];
      at(
        pos?.line ?? 1,
        pos?.col ?? 1,
        invalid(`frontmatter is not valid YAML: ${e.message.split('\n')[0]}`),
      );
    }
    return { frontmatter: {}, diagnostics };
  }
  const data: unknown = doc.toJS();
  if (data === null || data === undefined) return { frontmatter: {}, diagnostics };
  if (typeof data !== 'object' || Array.isArray(data)) {
    at(1, 1, invalid('frontmatter must be a YAML mapping (key: value lines)'));
    return { frontmatter: {}, diagnostics };
  }
  const lineOf = keyLines(doc, yamlText);
  const fm: Frontmatter = {};
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    const problem = readField(fm, key, value);
    if (problem) at(lineOf(key), 1, problem);
  }
  return { frontmatter: fm, diagnostics };
}

type FieldProblem = Pick<Diagnostic, 'severity' | 'code' | 'message'>;

const invalid = (message: string): FieldProblem => ({
  severity: 'error',
  code: 'frontmatter-invalid',
  message,
});

/** The line of each top-level key (1-based within the YAML text). */
function keyLines(doc: Document, yamlText: string): (key: string) => number {
  const yamlLines = indexLines(yamlText);
  return (key) => {
    const node =
      doc.contents && 'items' in doc.contents
        ? (
            doc.contents.items as unknown as Array<{ key: { value?: unknown; range?: [number] } }>
          ).find((p) => p.key?.value === key)
        : undefined;
    const offset = node?.key?.range?.[0] ?? 0;
    return yamlLines.lineOf(offset);
  };
}

/** Checks one field and stores it in `fm`; returns what is wrong with it, if anything. */
function readField(fm: Frontmatter, key: string, value: unknown): FieldProblem | undefined {
  switch (key) {
    case 'id':
      if (typeof value === 'number' && Number.isInteger(value) && value >= 0) fm.id = String(value);
      else if (typeof value !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(value))
        return invalid(
          `frontmatter "id" must be lower-case letters, digits and dashes (got ${JSON.stringify(value)})`,
        );
      else fm.id = value;
      return undefined;
    case 'title':
      if (typeof value !== 'string') return invalid('frontmatter "title" must be a string');
      fm.title = value;
      return undefined;
    case 'owners': {
      const owners = typeof value === 'string' ? [value] : value;
      if (!Array.isArray(owners) || owners.some((o) => typeof o !== 'string'))
        return invalid('frontmatter "owners" must be a string or a list of strings');
      fm.owners = owners as string[];
      return undefined;
    }
    case 'level':
      if (value !== 'MUST' && value !== 'SHOULD' && value !== 'MAY')
        return invalid('frontmatter "level" must be MUST, SHOULD or MAY');
      fm.level = value;
      return undefined;
    case 'normative':
      if (typeof value !== 'boolean')
        return invalid('frontmatter "normative" must be true or false');
      fm.normative = value;
      return undefined;
    case 'applies_to': {
      const applies = readAppliesTo(value);
      if (!applies)
        return invalid(
          'frontmatter "applies_to" must map selectors (topics, languages, repos, orgs) to lists of strings',
        );
      fm.appliesTo = applies;
      return undefined;
    }
    default:
      if (KNOWN.has(key)) return undefined;
      return {
        severity: 'warning',
        code: 'frontmatter-unknown-field',
        message: `unknown frontmatter field "${key}" (known: id, title, owners, applies_to, level, normative)`,
      };
  }
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
