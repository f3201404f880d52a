/**
 * Makes a Helm template parseable as YAML where it can: lines that are only template actions
 * (`{{- if … }}`, `{{- end }}`, `{{ include … | nindent 4 }}`) become blank lines, so line numbers
 * hold; inline `{{ .Values.a.b }}` (optionally `| default x`, `| quote`) is replaced by the value
 * from the chart's values.yaml; anything else becomes a marker string the evaluator reports as
 * "templated, not resolved" instead of guessing.
 */

export const UNRESOLVED_PREFIX = '__steering_unresolved__:';

export type ValuesLookup = (path: string[]) => unknown;

export function neutralizeHelm(text: string, lookup: ValuesLookup | undefined): string {
  const lines = text.split('\n');
  let open = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (open) {
      // Inside a multi-line action: blank until it closes.
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
      lines[i] = '';
      continue;
    }
    if (line.includes('{{'))
      lines[i] = line.replace(/\{\{-?\s*([^}]*?)\s*-?\}\}/g, (_, expr: string) =>
        substitute(expr, lookup),
      );
  }
  return lines.join('\n');
}

function substitute(expr: string, lookup: ValuesLookup | undefined): string {
  const m = /^\.Values\.([\w.]+)\s*((?:\|\s*[\w]+(?:\s+[^|]+)?\s*)*)$/.exec(expr);
  if (m && lookup) {
    const pipes = (m[2] as string)
      .split('|')
      .map((p) => p.trim())
      .filter(Boolean);
    let value = lookup((m[1] as string).split('.'));
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
