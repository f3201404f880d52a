/**
 * GitHub's documented examples are not all valid against GitHub's own schemas (fields the schema
 * requires are missing, timestamps are numbers where strings are required). `completeExample`
 * makes an example valid: it keeps every value that fits, adds each missing required field (null
 * when the schema allows it, else a neutral value of its type) and replaces values of the wrong
 * type. Used by `npm run simulator:schemas` on the bases the simulator starts its bodies from.
 */
type Json = Record<string, unknown>;

export type Resolve = (ref: string) => Json;

const DATE = '2024-01-01T00:00:00Z';
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

function typesOf(schema: Json): string[] {
  const t = schema.type;
  return Array.isArray(t) ? t.map(String) : typeof t === 'string' ? [t] : [];
}

function typeOfValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (Number.isInteger(v)) return 'integer';
  return typeof v;
}

function fits(schema: Json, v: unknown): boolean {
  const types = typesOf(schema);
  if (Array.isArray(schema.enum) && !schema.enum.includes(v)) return false;
  if (types.length === 0) return true;
  const t = typeOfValue(v);
  if (types.includes(t)) return true;
  return t === 'integer' && types.includes('number');
}

export function completeExample(schema0: Json, value: unknown, resolve: Resolve): unknown {
  const schema = deref(schema0, resolve);
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = (schema[key] as Json[] | undefined)?.map((b) => deref(b, resolve));
    if (branches) {
      if (value === null && branches.some((b) => typesOf(b).includes('null'))) return null;
      const objects = branches.filter((b) => !typesOf(b).includes('null') || typesOf(b).length > 1);
      const best =
        value && typeof value === 'object' && !Array.isArray(value)
          ? [...objects].sort(
              (a, b) => overlap(b, value as Json, resolve) - overlap(a, value as Json, resolve),
            )[0]
          : objects.find((b) => fits(b, value));
      return completeExample(best ?? objects[0] ?? {}, value, resolve);
    }
  }
  if (Array.isArray(schema.allOf)) {
    let v = value;
    for (const part of schema.allOf as Json[]) v = completeExample(part, v, resolve);
    return v;
  }
  if (value === undefined || !fits(schema, value)) return generate(schema, resolve);
  if (typeOfValue(value) === 'string' && schema.format === 'date-time' && !ISO.test(String(value)))
    return DATE;
  if (Array.isArray(value)) {
    const items = schema.items as Json | undefined;
    return items ? value.map((v) => completeExample(items, v, resolve)) : value;
  }
  if (value && typeof value === 'object') {
    const props = (schema.properties as Record<string, Json> | undefined) ?? {};
    const out: Json = { ...(value as Json) };
    for (const [k, s] of Object.entries(props))
      if (k in out) out[k] = completeExample(s, out[k], resolve);
    for (const k of (schema.required as string[] | undefined) ?? [])
      if (!(k in out)) out[k] = generate(deref(props[k] ?? {}, resolve), resolve);
    return out;
  }
  return value;
}

function overlap(schema0: Json, value: Json, resolve: Resolve): number {
  const schema = deref(schema0, resolve);
  const props = Object.keys((schema.properties as Json | undefined) ?? {});
  return props.filter((p) => p in value).length - (schema.properties ? 0 : 1000);
}

function deref(schema: Json, resolve: Resolve): Json {
  let s = schema;
  while (typeof s.$ref === 'string') s = resolve(s.$ref);
  return s;
}

export function generate(schema0: Json, resolve: Resolve): unknown {
  const schema = deref(schema0, resolve);
  const types = typesOf(schema);
  if (types.includes('null')) return null;
  if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum[0];
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = schema[key] as Json[] | undefined;
    if (branches) {
      const nullable = branches
        .map((b) => deref(b, resolve))
        .find((b) => typesOf(b).includes('null'));
      return nullable ? null : generate(branches[0] ?? {}, resolve);
    }
  }
  if (Array.isArray(schema.allOf)) return completeExample(schema, {}, resolve);
  switch (types[0]) {
    case 'string':
      return schema.format === 'date-time'
        ? DATE
        : schema.format === 'uri'
          ? 'https://github.com'
          : schema.format === 'email'
            ? 'octocat@github.com'
            : '';
    case 'integer':
    case 'number':
      return 0;
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'object':
    default:
      return completeExample(schema, {}, resolve);
  }
}
