/**
 * Makes a Helm template parseable as YAML, as it would be deployed with the chart's default
 * values. Lines that are only template actions (`{{- if … }}`, `{{- end }}`, `{{ include … |
 * nindent 4 }}`) become blank lines, so line numbers hold. `if` guards over `.Values` (with `not`,
 * `and`, `or`, `eq`/`ne` on literals) are decided against values.yaml: a disabled block is blanked
 * and reported, so "HPA disabled by default (values.yaml:50)" can be said. A guard that cannot be
 * decided keeps its block. Inline `{{ .Values.a.b }}` (optionally `| default x`, `| quote`) is
 * replaced by the value; anything else becomes a marker string the evaluator reports as
 * "templated, not resolved" instead of guessing.
 */

export const UNRESOLVED_PREFIX = '__steering_unresolved__:';

/** A value of values.yaml and its 1-based line there (undefined when not set). */
export type ValuesLookup = (path: string[]) => { value: unknown; line?: number } | undefined;

export interface DisabledGuard {
  /** 1-based line of the `if` in the template. */
  line: number;
  /** The guard, e.g. `.Values.autoscaling.enabled`. */
  expr: string;
  /** The values.yaml key deciding it and its line, when one was found. */
  key?: string;
  valuesLine?: number;
}

export interface NeutralizedTemplate {
  text: string;
  disabled: DisabledGuard[];
}

interface Block {
  /** Lines in this branch are kept. */
  active: boolean;
  /** Some earlier branch of this if/else chain was taken (or undecidable). */
  taken: boolean;
  isIf: boolean;
}

const ACTION = /\{\{-?\s*([\s\S]*?)\s*-?\}\}/g;

export function neutralizeHelm(text: string, lookup: ValuesLookup | undefined): string {
  return neutralizeHelmTemplate(text, lookup).text;
}

export function neutralizeHelmTemplate(
  text: string,
  lookup: ValuesLookup | undefined,
): NeutralizedTemplate {
  const lines = text.split('\n');
  const disabled: DisabledGuard[] = [];
  const stack: Block[] = [];
  const live = () => stack.every((b) => b.active);
  let open = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (open) {
      if (line.includes('}}')) open = false;
      lines[i] = '';
      continue;
    }
    const trimmed = line.trim();
    if (trimmed.startsWith('{{') && !trimmed.includes('}}')) {
      open = true;
      lines[i] = '';
      continue;
    }
    if (/^(\{\{[^}]*\}\}\s*)+$/.test(trimmed)) {
      for (const m of trimmed.matchAll(ACTION)) control((m[1] as string).trim(), i + 1);
      lines[i] = '';
      continue;
    }
    if (!live()) {
      lines[i] = '';
      continue;
    }
    if (line.includes('{{')) lines[i] = substituteLine(line, lookup);
  }
  return { text: lines.join('\n'), disabled };

  function control(action: string, lineNo: number): void {
    const word = /^(\w+)/.exec(action)?.[1];
    if (word === 'if') {
      const expr = action.slice(2).trim();
      const decided = live() ? decide(expr, lookup) : undefined;
      const active = decided?.value !== false;
      if (decided?.value === false && live())
        disabled.push({
          line: lineNo,
          expr,
          ...(decided.key ? { key: decided.key } : {}),
          ...(decided.line ? { valuesLine: decided.line } : {}),
        });
      stack.push({ active, taken: active, isIf: true });
    } else if (word === 'with' || word === 'range' || word === 'define' || word === 'block') {
      stack.push({ active: true, taken: true, isIf: false });
    } else if (word === 'else') {
      const top = stack[stack.length - 1];
      if (!top || !top.isIf) return;
      const rest = action.slice(4).trim();
      if (top.taken) top.active = false;
      else if (rest.startsWith('if ')) {
        const d = decide(rest.slice(3).trim(), lookup);
        top.active = d?.value !== false;
        top.taken = top.active;
      } else {
        top.active = true;
        top.taken = true;
      }
    } else if (word === 'end') {
      stack.pop();
    }
  }
}

interface Decision {
  value: boolean | undefined;
  key?: string;
  line?: number;
}

/** A guard's truth from values.yaml, or undefined when it cannot be decided. */
function decide(expr: string, lookup: ValuesLookup | undefined): Decision | undefined {
  if (!lookup) return undefined;
  const e = expr.replace(/^\(\s*|\s*\)$/g, '').trim();
  const values = /^\.Values\.([\w.]+)$/.exec(e);
  if (values) {
    const key = values[1] as string;
    const hit = lookup(key.split('.'));
    const v = hit?.value;
    return { value: truthy(v), key, ...(hit?.line ? { line: hit.line } : {}) };
  }
  const not = /^not\s+(.+)$/.exec(e);
  if (not) {
    const d = decide(not[1] as string, lookup);
    return d?.value === undefined ? undefined : { ...d, value: !d.value };
  }
  const cmp = /^(eq|ne)\s+(\.Values\.[\w.]+)\s+("[^"]*"|'[^']*'|-?\d+(?:\.\d+)?|true|false)$/.exec(
    e,
  );
  if (cmp) {
    const key = (cmp[2] as string).slice('.Values.'.length);
    const hit = lookup(key.split('.'));
    const lit = parseLiteral(cmp[3] as string);
    const same = String(hit?.value) === String(lit);
    return { value: cmp[1] === 'eq' ? same : !same, key, ...(hit?.line ? { line: hit.line } : {}) };
  }
  const logic = /^(and|or)\s+(.+)$/.exec(e);
  if (logic) {
    const parts = splitArgs(logic[2] as string).map((p) => decide(p, lookup));
    if (parts.some((p) => p === undefined || p.value === undefined)) return undefined;
    const ds = parts as Decision[];
    const value = logic[1] === 'and' ? ds.every((d) => d.value) : ds.some((d) => d.value);
    // The deciding operand: the first false one of an `and`, the first true one of an `or`.
    const decisive = ds.find((d) => d.value === value) ?? ds[0];
    return { ...decisive, value };
  }
  return undefined;
}

/** Helm's truthiness: false, 0, "", null, empty list/map and missing are false. */
function truthy(v: unknown): boolean | undefined {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

/** Space-separated operands, keeping parenthesised groups together. */
function splitArgs(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ' ' && depth === 0) {
      if (cur) out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur) out.push(cur);
  return out;
}

/**
 * A value that is one action becomes a YAML scalar; an action inside a longer scalar
 * (`image: {{ .Values.repo }}/cart:{{ .Values.tag }}`) becomes plain text, so the line parses.
 */
function substituteLine(line: string, lookup: ValuesLookup | undefined): string {
  const action = /\{\{-?\s*([^}]*?)\s*-?\}\}/g;
  const whole = /^(\s*(?:-\s+)?[^:#]+:\s+|\s*-\s+)\{\{-?\s*([^}]*?)\s*-?\}\}\s*$/.exec(line);
  if (whole) return `${whole[1]}${substitute(whole[2] as string, lookup)}`;
  return line.replace(action, (_, expr: string) => {
    const v = substitute(expr, lookup);
    return v.startsWith('"') ? 'templated' : v;
  });
}

function substitute(expr: string, lookup: ValuesLookup | undefined): string {
  const m = /^\.Values\.([\w.]+)\s*((?:\|\s*[\w]+(?:\s+[^|]+)?\s*)*)$/.exec(expr);
  if (m && lookup) {
    const pipes = (m[2] as string)
      .split('|')
      .map((p) => p.trim())
      .filter(Boolean);
    let value = lookup((m[1] as string).split('.'))?.value;
    for (const p of pipes) {
      const d = /^default\s+(.+)$/.exec(p);
      if (d && (value === undefined || value === null || value === ''))
        value = parseLiteral(d[1] as string);
      else if (!/^(quote|squote|toString|int|int64|float64|trim)$/.test(p) && !d) value = undefined;
    }
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (typeof value === 'string') return JSON.stringify(value);
  }
  return JSON.stringify(`${UNRESOLVED_PREFIX}{{ ${expr} }}`);
}

function parseLiteral(s: string): unknown {
  const t = s.trim();
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  if (t === 'true' || t === 'false') return t === 'true';
  const q = /^"(.*)"$/.exec(t) ?? /^'(.*)'$/.exec(t);
  return q ? q[1] : undefined;
}
