/**
 * Path expressions over parsed JSON/YAML/properties trees, in JMESPath syntax (the subset of
 * sub-expressions, `*` and `[*]` wildcards, indexes and `[?a.b=='v']` filters), evaluated on trees
 * that keep each value's position:
 *   `spec.minReplicas`, `spec.metrics[*].type`, `spec.metrics[0]`, `datasources.*.maximum-pool-size`,
 *   `spec.metrics[?resource.name=='cpu'].resource.target.averageUtilization`.
 * The older filter form `[resource.name=cpu]` is still read.
 * A dotted key (`micronaut.http.client.read-timeout: 30s`, or any .properties line) matches the
 * same segments written as nested maps.
 */
import type { Tree } from './parse-structured.js';

export type Segment =
  | { kind: 'name'; name: string }
  | { kind: 'any' }
  | { kind: 'index'; index: number }
  | { kind: 'filter'; path: Segment[]; value: string };

export function parsePath(expr: string): Segment[] {
  const out: Segment[] = [];
  let i = 0;
  let name = '';
  const flush = () => {
    if (name === '*') out.push({ kind: 'any' });
    else if (name) out.push({ kind: 'name', name });
    name = '';
  };
  while (i < expr.length) {
    const c = expr[i] as string;
    if (c === '.') {
      flush();
      i++;
    } else if (c === '[') {
      flush();
      const end = expr.indexOf(']', i);
      if (end < 0) throw new Error(`unclosed [ in path "${expr}"`);
      const inner = expr.slice(i + 1, end).trim();
      // JMESPath filter: [?resource.name=='cpu'] (also `"cpu"` or a `70` literal).
      const jmes = /^\?\s*([\w.-]+)\s*==\s*(?:'([^']*)'|"([^"]*)"|`"?([^`"]*)"?`)$/.exec(inner);
      if (jmes) {
        out.push({
          kind: 'filter',
          path: parsePath(jmes[1] as string),
          value: (jmes[2] ?? jmes[3] ?? jmes[4]) as string,
        });
        i = end + 1;
        continue;
      }
      if (inner === '*') out.push({ kind: 'any' });
      else if (/^\d+$/.test(inner)) out.push({ kind: 'index', index: Number(inner) });
      else {
        const eq = inner.indexOf('=');
        if (eq <= 0)
          throw new Error(`bad filter [${inner}] in path "${expr}": use [*], [n] or [path=value]`);
        out.push({
          kind: 'filter',
          path: parsePath(inner.slice(0, eq).trim()),
          value: inner.slice(eq + 1).trim(),
        });
      }
      i = end + 1;
    } else {
      name += c;
      i++;
    }
  }
  flush();
  if (out.length === 0) throw new Error('empty path');
  return out;
}

export function resolvePath(tree: Tree, segments: readonly Segment[]): Tree[] {
  if (segments.length === 0) return [tree];
  const [seg, ...rest] = segments as [Segment, ...Segment[]];
  switch (seg.kind) {
    case 'any':
      if (tree.kind === 'map') return tree.entries.flatMap((e) => resolvePath(e.value, rest));
      if (tree.kind === 'seq') return tree.items.flatMap((t) => resolvePath(t, rest));
      return [];
    case 'index':
      if (tree.kind !== 'seq') return [];
      return tree.items[seg.index] ? resolvePath(tree.items[seg.index] as Tree, rest) : [];
    case 'filter': {
      if (tree.kind !== 'seq') return [];
      const kept = tree.items.filter((item) =>
        resolvePath(item, seg.path).some(
          (n) => n.kind === 'scalar' && String(n.value) === seg.value,
        ),
      );
      return kept.flatMap((t) => resolvePath(t, rest));
    }
    case 'name': {
      if (tree.kind !== 'map') return [];
      const out: Tree[] = [];
      // Try `a`, `a.b`, `a.b.c`… as one key: dotted keys are common in Spring/Micronaut config.
      const names: string[] = [];
      for (let k = 0; k < segments.length; k++) {
        const s = segments[k] as Segment;
        if (s.kind !== 'name') break;
        names.push(s.name);
        const key = names.join('.');
        for (const e of tree.entries)
          if (e.key === key) out.push(...resolvePath(e.value, segments.slice(k + 1)));
      }
      return out;
    }
  }
}
