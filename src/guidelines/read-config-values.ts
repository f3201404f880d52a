/**
 * The settings a reference configuration sets, flattened to `key: value`: YAML and JSON by their
 * structure (`spec.minReplicas: 2`, `jobs.test.steps[0].uses`), JVM and command-line flags
 * (`-XX:+UseG1GC: true`, `-Xmx: "4g"`, `--users: 50`), `KEY=value` / `key = value` assignments,
 * dictionary entries (`'pool_size': 20`) and setter calls (`setMaximumPoolSize(20)`). Anything else
 * in the code is left alone: the values are what checks can attach to, not a parse of the program.
 */
import { parseAllDocuments } from 'yaml';

export type ConfigValue = string | number | boolean;

export function readConfigValues(
  code: string,
  language: string | null,
): Record<string, ConfigValue> {
  const lang = (language ?? '').toLowerCase();
  if (/^(ya?ml|json|jsonc)$/.test(lang)) {
    const structured = readStructured(code);
    if (structured) return structured;
  }
  return readLines(code);
}

function readStructured(code: string): Record<string, ConfigValue> | undefined {
  try {
    const docs = parseAllDocuments(code);
    const out: Record<string, ConfigValue> = {};
    for (const doc of docs as Array<{ errors: unknown[]; toJS(): unknown }>) {
      if (doc.errors.length > 0) return undefined;
      flatten(doc.toJS(), '', out);
    }
    return out;
  } catch {
    return undefined;
  }
}

function flatten(value: unknown, prefix: string, out: Record<string, ConfigValue>): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => flatten(v, `${prefix}[${i}]`, out));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    if (prefix) out[prefix] = value;
  }
}

const FLAG =
  /(?:^|[\s"'=])(-XX:([+-])([A-Za-z]\w*)|-XX:([A-Za-z]\w*)=(\S+?)|-X(ms|mx|ss|mn)(\w+)|--?([a-z][\w-]*)(?:=([^\s"'\\]+))?)(?=$|[\s"'\\])/g;
const ASSIGN = /^\s*(?:export\s+)?['"]?([A-Za-z_][\w.-]*)['"]?\s*[:=]\s*(.+?)\s*,?\s*$/;
const SETTER = /\bset([A-Z]\w*)\(\s*([^()]+?)\s*\)/g;

function readLines(code: string): Record<string, ConfigValue> {
  const out: Record<string, ConfigValue> = {};
  for (const raw of code.split('\n')) {
    const line = raw.replace(/\s+#.*$|\s+\/\/.*$/, '');
    if (/^\s*(#|\/\/|--|;)/.test(line) || !line.trim()) continue;
    let flagged = false;
    FLAG.lastIndex = 0;
    for (let m = FLAG.exec(line); m; m = FLAG.exec(line)) {
      flagged = true;
      if (m[2]) out[`-XX:${m[2]}${m[3]}`] = true;
      else if (m[4]) out[`-XX:${m[4]}`] = scalar(m[5]!);
      else if (m[6]) out[`-X${m[6]}`] = m[7]!;
      else if (m[8])
        out[`${m[1]!.startsWith('--') ? '--' : '-'}${m[8]}`] =
          m[9] !== undefined ? scalar(m[9]) : true;
    }
    SETTER.lastIndex = 0;
    for (let m = SETTER.exec(line); m; m = SETTER.exec(line)) {
      out[m[1]![0]!.toLowerCase() + m[1]!.slice(1)] = scalar(m[2]!);
      flagged = true;
    }
    if (flagged) continue;
    const a = ASSIGN.exec(line);
    if (a && !a[1]!.startsWith('self.')) {
      const v = a[2]!.replace(/,$/, '').trim();
      // Literals only: a quoted string, a number, a boolean; bare words only for KEY=value settings.
      const literal =
        /^(['"])[^'"]*\1$/.test(v) ||
        /^-?\d+(\.\d+)?[a-z]{0,3}$/i.test(v) ||
        /^(true|false)$/i.test(v) ||
        (/^[A-Z][A-Z0-9_]*$/.test(a[1]!) && /^[\w.:/+-]+$/.test(v));
      if (literal) out[a[1]!] = scalar(v);
    }
  }
  return out;
}

function scalar(text: string): ConfigValue {
  const t = text.trim().replace(/^(['"])(.*)\1$/, '$2');
  if (/^(true|True|TRUE)$/.test(t)) return true;
  if (/^(false|False|FALSE)$/.test(t)) return false;
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  return t;
}
