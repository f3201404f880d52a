/**
 * `json-yaml-path`: select documents (every document of every matching JSON/YAML/properties file,
 * or those whose `where` paths equal the given values) and assert on the values at paths. Helm
 * templates are neutralised first and `.Values` references resolved from the chart's values.yaml;
 * a value that stays templated makes the check `unchecked`, never a guess.
 */
import type { Assertion, LeafCheck } from './check-schema.js';
import { asList } from './check-schema.js';
import type { EvalContext } from './context.js';
import { compareNumbers } from '../guidelines/index.js';
import type { Evidence } from './types.js';
import { neutralizeHelmTemplate, type ValuesLookup } from './neutralize-helm.js';
import { parsePath, resolvePath } from './resolve-path.js';
import type { Tree } from './parse-structured.js';
import { snippetOf } from './find-matches.js';
import { globText, plural, type Outcome } from './check-outcome.js';

type JsonYamlPath = Extract<LeafCheck, { type: 'json-yaml-path' }>;

interface Doc {
  path: string;
  text: string;
  tree: Tree;
}

export function evaluateJsonYamlPath(check: JsonYamlPath, ctx: EvalContext): Outcome {
  const where = Object.entries(check.where ?? {});
  const selected = selectDocuments(check, where, ctx);
  const selection = where.length
    ? `documents with ${where.map(([k, v]) => `${k}=${v}`).join(', ')}`
    : 'documents';
  if (selected.docs.length === 0) return noDocuments(check, selection, selected);
  const results = assertDocuments(check, where, selected.docs);
  return judge(check, `${plural(selected.docs.length, 'document')} (${selection})`, results);
}

interface Selected {
  files: readonly string[];
  docs: Doc[];
  parseErrors: Evidence[];
  /** Helm `if` guards that switch a template off by the chart's values. */
  disabled: Evidence[];
}

/** The documents of the check's files that the `where` paths select (all of them without). */
function selectDocuments(
  check: JsonYamlPath,
  where: [string, unknown][],
  ctx: EvalContext,
): Selected {
  const files = ctx.select(check);
  const selected: Selected = { files, docs: [], parseErrors: [], disabled: [] };
  for (const path of files) {
    const raw = ctx.read(path);
    if (raw === undefined) continue;
    // Cheap pre-filter: a document with kind HorizontalPodAutoscaler names it somewhere.
    if (where.some(([, v]) => typeof v === 'string' && !raw.includes(v))) continue;
    const text = raw.includes('{{') ? renderHelm(path, raw, ctx, selected.disabled) : raw;
    const parsed = ctx.parse(path, text, `${path}\u0000helm`);
    for (const e of parsed.errors)
      selected.parseErrors.push({
        path,
        ...e.pos,
        snippet: snippetOf(raw, e.pos.line),
        note: e.message,
      });
    for (const tree of parsed.documents) {
      if (!where.every(([p, v]) => hasValue(tree, p, v))) continue;
      // A shared manifest of a repository with several units is this unit's only when it
      // targets it by name (scaleTargetRef / metadata.name).
      if (where.length > 0 && !ctx.owns(path) && !workloadNamesUnit(tree, ctx)) continue;
      selected.docs.push({ path, text: raw, tree });
    }
  }
  return selected;
}

function hasValue(tree: Tree, path: string, value: unknown): boolean {
  return resolvePath(tree, parsePath(path)).some(
    (n) => n.kind === 'scalar' && String(n.value) === String(value),
  );
}

/** A Helm template with its `.Values` resolved; guards that are off by default go to `disabled`. */
function renderHelm(path: string, raw: string, ctx: EvalContext, disabled: Evidence[]): string {
  const values = valuesLookup(path, ctx);
  const t = neutralizeHelmTemplate(raw, values?.lookup);
  for (const g of t.disabled)
    disabled.push({
      path,
      line: g.line,
      column: 1,
      snippet: snippetOf(raw, g.line),
      note: `disabled by default: ${g.expr} is false${g.valuesLine && values ? ` (${values.path}:${g.valuesLine})` : ''}`,
    });
  return t.text;
}

function noDocuments(check: JsonYamlPath, selection: string, selected: Selected): Outcome {
  const { files, parseErrors, disabled } = selected;
  if (parseErrors.length > 0) {
    return {
      status: 'error',
      message: `no ${selection} could be read from files matching ${globText(check.files)}: ${plural(parseErrors.length, 'parse error')}`,
      evidence: parseErrors.slice(0, 5),
    };
  }
  const status = check.ifNone ?? 'fail';
  if (disabled.length > 0) {
    // A template that would produce one is switched off by the chart's values.
    return {
      status: status === 'pass' ? 'pass' : 'fail',
      message: `no ${selection} deployed: ${disabled[0]?.path} is ${disabled[0]?.note}`,
      evidence: disabled.slice(0, 5),
    };
  }
  return {
    status,
    message: `no ${selection} in ${plural(files.length, 'file')} (${globText(check.files)})`,
    evidence: [],
  };
}

interface AssertResults {
  failures: Evidence[];
  unresolved: Evidence[];
  passed: Evidence[];
}

/**
 * With `where`, each selected document must satisfy every assertion; without, the values of all
 * documents are pooled (application.yml + application-prod.yml are one configuration).
 */
function assertDocuments(
  check: JsonYamlPath,
  where: [string, unknown][],
  docs: Doc[],
): AssertResults {
  const groups = where.length ? docs.map((d) => [d]) : [docs];
  const results: AssertResults = { failures: [], unresolved: [], passed: [] };
  for (const group of groups) for (const a of check.assert) assertGroup(a, group, results);
  return results;
}

function assertGroup(a: Assertion, group: Doc[], results: AssertResults): void {
  const paths = asList(a.path);
  const values = group.flatMap((d) =>
    paths.flatMap((p) => resolvePath(d.tree, parsePath(p)).map((node) => ({ d, node }))),
  );
  const first = group[0] as Doc;
  if (
    values.length === 0 ||
    values.every(({ node }) => node.kind === 'scalar' && node.value === null && !node.unresolved)
  ) {
    results.failures.push({
      path: first.path,
      line: first.tree.pos.line,
      column: first.tree.pos.column,
      snippet: snippetOf(first.text, first.tree.pos.line),
      note: `${paths.join(' or ')} not set`,
    });
    return;
  }
  for (const { d, node } of values) {
    const ev = {
      path: d.path,
      line: node.pos.line,
      column: node.pos.column,
      snippet: snippetOf(d.text, node.pos.line),
    };
    if (node.kind === 'scalar' && node.unresolved) {
      results.unresolved.push({
        ...ev,
        note: `${paths[0]} is templated (${node.unresolved}) and could not be resolved`,
      });
    } else if (!holds(a, node)) {
      results.failures.push({
        ...ev,
        note: `${paths[0]} is ${show(node)}; expected ${a.comparator} ${a.value ?? ''}`.trim(),
      });
    } else results.passed.push(ev);
  }
}

function judge(check: JsonYamlPath, checked: string, results: AssertResults): Outcome {
  const { failures, unresolved, passed } = results;
  if (failures.length > 0) {
    return {
      status: 'fail',
      message: `${plural(failures.length, 'assertion')} failed in ${checked}: ${failures[0]?.note}`,
      evidence: failures,
    };
  }
  if (unresolved.length > 0)
    return {
      status: 'unchecked',
      message: unresolved[0]?.note ?? 'templated value',
      evidence: unresolved,
    };
  const what = check.assert
    .map((a) => `${asList(a.path)[0]} ${a.comparator} ${a.value ?? ''}`.trim())
    .join(', ');
  return { status: 'pass', message: `${what} holds in ${checked}`, evidence: passed.slice(0, 5) };
}

function show(node: Tree): string {
  return node.kind === 'scalar' ? JSON.stringify(node.value) : `a ${node.kind}`;
}

function holds(a: Assertion, node: Tree): boolean {
  if (a.comparator === 'exists') return !(node.kind === 'scalar' && node.value === null);
  if (node.kind !== 'scalar') return false;
  const v = node.value;
  if (a.comparator === 'matches') return new RegExp(String(a.value)).test(String(v));
  if (a.comparator === '=') return String(v) === String(a.value);
  if (a.comparator === '!=') return String(v) !== String(a.value);
  const x = typeof v === 'number' ? v : Number(String(v).replace(/%$/, ''));
  const y = Number(a.value);
  if (!Number.isFinite(x) || !Number.isFinite(y)) return false;
  return compareNumbers(x, a.comparator, y);
}

/** `.Values` lookup from the values.yaml beside the nearest Chart.yaml above a template. */
function valuesLookup(
  path: string,
  ctx: EvalContext,
): { lookup: ValuesLookup; path: string } | undefined {
  const parts = path.split('/');
  for (let i = parts.length - 1; i >= 0; i--) {
    const dir = parts.slice(0, i).join('/');
    const prefix = dir ? `${dir}/` : '';
    if (!ctx.has(`${prefix}Chart.yaml`)) continue;
    const valuesPath = `${prefix}values.yaml`;
    const text = ctx.read(valuesPath);
    if (text === undefined) return undefined;
    const values = ctx.parse(valuesPath, text).documents[0];
    if (!values) return undefined;
    const lookup: ValuesLookup = (keys) => {
      const hit = resolvePath(
        values,
        keys.map((name) => ({ kind: 'name' as const, name })),
      )[0];
      if (!hit) return undefined;
      return { value: hit.kind === 'scalar' ? hit.value : plain(hit), line: hit.pos.line };
    };
    return { lookup, path: valuesPath };
  }
  return undefined;
}

/** A map or list of values.yaml as plain data (for Helm truthiness of `if .Values.list`). */
function plain(t: Tree): unknown {
  if (t.kind === 'scalar') return t.value;
  if (t.kind === 'seq') return t.items.map(plain);
  return Object.fromEntries(t.entries.map((e) => [e.key, plain(e.value)]));
}

/** Whether a manifest's target or name is this unit (always, in a repository of one unit). */
export function workloadNamesUnit(tree: Tree, ctx: EvalContext): boolean {
  if (ctx.layout.units.length <= 1) return true;
  const names = ['spec.scaleTargetRef.name', 'metadata.name']
    .flatMap((p) => resolvePath(tree, parsePath(p)))
    .map((n) => (n.kind === 'scalar' ? String(n.value ?? '') : ''))
    .filter(Boolean);
  return names.some((n) => ctx.isUnitName(n));
}
