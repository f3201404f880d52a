// npm run fidelity — compiles every document of the fidelity corpus (test/fixtures/corpus/<doc>/
// input.md) and prints, per document, the rules by kind and level, thresholds and warnings; for
// documents with hand-made labels (labels.json) also precision and recall, threshold accuracy and
// level accuracy, beside the goals. A compiled rule matches a label when its source line lies in the
// label's [line, endLine]; matching is one-to-one, and labels that share a line are told apart by the
// threshold value. Exits non-zero only when something crashes. `--verbose` lists misses.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileGuideline, normalizeUnit, toBase, type Rule } from '../src/guidelines/index.js';

interface LabelThreshold {
  subject: string;
  metric?: string | null;
  aggregate?: string | null;
  comparator: string;
  value: number;
  unit?: string | null;
  qualifier?: string | null;
}
interface Label {
  line: number;
  endLine?: number;
  level: string;
  kind: string;
  authorId?: string;
  statement: string;
  threshold?: LabelThreshold;
}
interface Labels {
  rules: Label[];
  notRules?: Array<{ line: number; endLine?: number; why: string }>;
}

const root = process.argv.find((a, i) => i > 1 && !a.startsWith('--')) ?? 'test/fixtures/corpus';
const verbose = process.argv.includes('--verbose');
const GOAL = 0.95;
const STOP = new Set(
  'a an the of for to in on and or with by per all any each every its their'.split(' '),
);
const pct = (n: number, d: number) =>
  d === 0 ? '   –  ' : `${((100 * n) / d).toFixed(1).padStart(5)}%`;

const totals = {
  compiled: 0,
  labels: 0,
  matched: 0,
  thrLabels: 0,
  thrRight: 0,
  levelRight: 0,
  dupIds: 0,
};
const fields = { subject: 0, comparator: 0, value: 0, unit: 0, aggregate: 0 };
const rows: string[][] = [];
const notes: string[] = [];

for (const name of readdirSync(root).sort()) {
  const dir = join(root, name);
  const inputPath = join(dir, 'input.md');
  if (!existsSync(inputPath)) continue;
  const result = compileGuideline(readFileSync(inputPath), { path: `${name}.md` });
  const rules = result.document?.rules ?? [];
  const warnings = result.diagnostics.filter((d) => d.severity === 'warning').length;
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  const ids = rules.map((r) => r.id);
  const dupIds =
    ids.length - new Set(ids).size + errors.filter((e) => e.code === 'duplicate-id').length;
  totals.dupIds += dupIds;
  const byKind = ['practice', 'threshold', 'example', 'reference']
    .map((k) => `${k[0]}${rules.filter((r) => r.kind === k).length}`)
    .join(' ');
  const byLevel = ['MUST', 'SHOULD', 'MAY']
    .map((l) => `${l[0]}${rules.filter((r) => r.level === l).length}`)
    .join(' ');
  const row = [
    name,
    String(rules.length),
    byKind,
    byLevel,
    String(rules.filter((r) => r.threshold).length),
    String(warnings) + (errors.length ? ` +${errors.length}E` : ''),
    String(dupIds),
  ];
  const labelPath = join(dir, 'labels.json');
  if (existsSync(labelPath)) {
    const labels = (JSON.parse(readFileSync(labelPath, 'utf8')) as Labels).rules;
    const m = match(rules, labels);
    let thrLabels = 0;
    let thrRight = 0;
    let levelRight = 0;
    for (const [r, l] of m.pairs) {
      if (r.level === l.level) levelRight++;
      else if (verbose)
        notes.push(
          `${name}:${r.source.line} level ${r.level}, label ${l.level}: ${l.statement.slice(0, 70)}`,
        );
      if (!l.threshold) continue;
      thrLabels++;
      const check = compareThreshold(r, l.threshold);
      for (const k of Object.keys(fields) as Array<keyof typeof fields>) if (check[k]) fields[k]++;
      if (Object.values(check).every(Boolean)) thrRight++;
      else if (verbose)
        notes.push(
          `${name}:${r.source.line} threshold ${JSON.stringify(r.threshold ? { s: r.threshold.subject, c: r.threshold.comparator, v: r.threshold.value, u: r.threshold.unit, a: r.threshold.aggregate } : null)} vs label ${JSON.stringify({ s: l.threshold.subject, c: l.threshold.comparator, v: l.threshold.value, u: l.threshold.unit, a: l.threshold.aggregate })} wrong: ${Object.entries(
            check,
          )
            .filter(([, ok]) => !ok)
            .map(([k]) => k)
            .join(',')}`,
        );
    }
    // Labelled thresholds that were not matched count as wrong.
    thrLabels += labels.filter((l) => l.threshold && !m.pairs.some(([, x]) => x === l)).length;
    totals.compiled += rules.length;
    totals.labels += labels.length;
    totals.matched += m.pairs.length;
    totals.thrLabels += thrLabels;
    totals.thrRight += thrRight;
    totals.levelRight += levelRight;
    row.push(
      pct(m.pairs.length, rules.length),
      pct(m.pairs.length, labels.length),
      `${thrRight}/${thrLabels}`,
      pct(levelRight, m.pairs.length),
    );
    if (verbose) {
      for (const r of m.extra)
        notes.push(
          `${name}:${r.source.line} EXTRA ${r.kind} ${r.level} ${r.statement.slice(0, 80)}`,
        );
      for (const l of m.missed)
        notes.push(
          `${name}:${l.line}-${l.endLine ?? l.line} MISSED ${l.kind} ${l.level} ${l.statement.slice(0, 80)}`,
        );
    }
  } else row.push('', '', '', '');
  if (errors.length && verbose)
    for (const e of errors)
      notes.push(`${name}:${e.line} ERROR ${e.code} ${e.message.slice(0, 100)}`);
  rows.push(row);
}

const header = [
  'document',
  'rules',
  'kinds p/t/e/r',
  'levels M/S/M',
  'thr',
  'warn',
  'dupId',
  'precision',
  'recall',
  'thr ok',
  'level ok',
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
const line = (cells: string[]) =>
  cells
    .map((c, i) => c.padEnd(widths[i]!))
    .join('  ')
    .trimEnd();
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of rows) console.log(line(r));
console.log('');
const precision = totals.compiled ? totals.matched / totals.compiled : 0;
const recall = totals.labels ? totals.matched / totals.labels : 0;
const verdict = (v: number, goal: number) => (v >= goal ? 'met' : 'NOT met');
console.log(
  `labelled set: ${totals.labels} labelled rules, ${totals.compiled} compiled, ${totals.matched} matched`,
);
console.log(
  `precision        ${pct(totals.matched, totals.compiled)}   goal ≥ 95%  ${verdict(precision, GOAL)}`,
);
console.log(
  `recall           ${pct(totals.matched, totals.labels)}   goal ≥ 95%  ${verdict(recall, GOAL)}`,
);
console.log(
  `thresholds right ${pct(totals.thrRight, totals.thrLabels)}   goal 100% (${totals.thrRight}/${totals.thrLabels} with subject, comparator, value, unit, aggregate)  ${verdict(totals.thrLabels ? totals.thrRight / totals.thrLabels : 1, 1)}`,
);
console.log(
  `  per field over matched thresholds: ${Object.entries(fields)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}`,
);
console.log(`level right      ${pct(totals.levelRight, totals.matched)}   (of matched rules)`);
console.log(
  `duplicate ids    ${totals.dupIds}        goal 0  ${verdict(totals.dupIds === 0 ? 1 : 0, 1)}`,
);
if (verbose) console.log(`\n${notes.join('\n')}`);

function match(rules: readonly Rule[], labels: readonly Label[]) {
  const used = new Set<Label>();
  const pairs: Array<[Rule, Label]> = [];
  const extra: Rule[] = [];
  for (const r of rules) {
    const line = r.source.line;
    const options = labels.filter(
      (l) => !used.has(l) && l.line <= line && line <= (l.endLine ?? l.line),
    );
    const best =
      options.find((l) => l.threshold && r.threshold && sameValue(r, l.threshold)) ??
      options.find((l) => l.line === line) ??
      options[0];
    if (best) {
      used.add(best);
      pairs.push([r, best]);
    } else extra.push(r);
  }
  return { pairs, extra, missed: labels.filter((l) => !used.has(l)) };
}

function sameValue(r: Rule, t: LabelThreshold): boolean {
  if (!r.threshold) return false;
  const unit = t.unit ? (normalizeUnit(t.unit) ?? t.unit) : undefined;
  const a = toBase(r.threshold.value, r.threshold.unit);
  const b = toBase(t.value, unit);
  return a.dimension === b.dimension && Math.abs(a.value - b.value) < 1e-9;
}

function compareThreshold(r: Rule, t: LabelThreshold) {
  const th = r.threshold;
  const unit = t.unit ? (normalizeUnit(t.unit) ?? t.unit) : undefined;
  return {
    subject: th ? overlap(th.subject, t.subject) >= 0.5 : false,
    comparator: th?.comparator === t.comparator,
    value: sameValue(r, t),
    unit: th ? (th.unit ?? undefined) === unit : false,
    aggregate: th ? (th.aggregate ?? null) === (t.aggregate ?? null) : false,
  };
}

function tokens(text: string): Set<string> {
  return new Set(
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, ' ')
      .split(' ')
      .filter((w) => w && !STOP.has(w))
      .map((w) => w.replace(/s$/, '')),
  );
}
/** Shared tokens over the larger of the two sets: 1 when equal, 0 when disjoint. */
function overlap(a: string, b: string): number {
  const x = tokens(a);
  const y = tokens(b);
  if (x.size === 0 || y.size === 0) return 0;
  let shared = 0;
  for (const w of x) if (y.has(w)) shared++;
  return shared / Math.max(x.size, y.size);
}
