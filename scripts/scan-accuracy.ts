// npm run scan-accuracy [-- --verbose] [--corpus <dir>]: the scanner against hand-checked truth,
// tuned corpus and held-out corpus (held-out/, never tuned on) reported separately.
// For each `<name>.truth.json` of the corpus (default test/fixtures/real-repos), extracts
// `<name>.tar.gz` (or reads the folder `<name>/`) to a temporary directory, finds its service
// units, evaluates every shipped check per unit (whether or not the compiled guideline version
// has the check's rule yet) and compares each question's status with the truth. Prints the truth
// table (unit × question: truth / steering / right?), the share of cells right, passes with
// nothing inspected and failures without a location (goals: >= 95%, 0, 0). Exit 1 below a goal.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { compileGuideline } from '../src/guidelines/index.js';
import { readLocalSnapshot } from '../src/cli/commands/scan.js';
import {
  evaluateChecks,
  loadChecks,
  type Check,
  type CheckResult,
  type CheckStatus,
} from '../src/checks/index.js';
import { questionOf, QUESTIONS, type Question } from './scan-accuracy-questions.js';

interface TruthCell {
  status: 'pass' | 'fail' | 'not-applicable';
  evidence: string;
  trap?: string;
}
interface Truth {
  repo: string;
  services: { path: string; stack: string; cells: Partial<Record<Question, TruthCell>> }[];
}

const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
const corpusAt = args.indexOf('--corpus');
// The tuned corpus (the scanner was adjusted against its truth) and the held-out one (never tuned
// on): reported separately, so the held-out share says how the scanner does on code it has not seen.
const CORPORA: [string, string][] =
  corpusAt >= 0
    ? [['corpus', args[corpusAt + 1] as string]]
    : [
        ['tuned', 'test/fixtures/real-repos'],
        ['held-out', 'test/fixtures/real-repos/held-out'],
      ];

const md = 'guidelines/performance.md';
const doc = compileGuideline(readFileSync(md, 'utf8'), { path: md }).document;
if (!doc) throw new Error(`${md} does not compile`);
const loaded = loadChecks(readFileSync('guidelines/performance.checks.yaml', 'utf8'), doc.rules);
// A checks file that does not load would make every cell "not applicable": stop instead.
if (!loaded.ok)
  throw new Error(
    `guidelines/performance.checks.yaml does not load: ${loaded.diagnostics
      .filter((d) => d.severity === 'error')
      .map((d) => `${d.line}:${d.column} ${d.message}`)
      .join('; ')}`,
  );
const checks: Check[] = loaded.checks.filter((c) => questionOf(c.id) !== undefined);

const SEVERITY: Record<CheckStatus, number> = {
  error: 4,
  fail: 3,
  unchecked: 2,
  pass: 1,
  'not-applicable': 0,
};

interface Tally {
  cells: number;
  right: number;
  emptyPasses: number;
  unlocatedFails: number;
  wrong: string[];
  rows: string[];
  skipped: string[];
}

const summaries: string[] = [];
let failed = false;
console.log(
  `${'REPOSITORY'.padEnd(30)} ${'UNIT'.padEnd(36)} ${'QUESTION'.padEnd(19)} ${'TRUTH'.padEnd(15)} ${'STEERING'.padEnd(15)} RIGHT`,
);
for (const [label, corpus] of CORPORA) {
  if (!existsSync(corpus)) continue;
  const t = evaluateCorpus(corpus);
  for (const r of t.rows) console.log(r);
  if (verbose && t.wrong.length) console.log(`\nWrong cells (${label}):\n${t.wrong.join('\n')}\n`);
  const share = t.cells ? (100 * t.right) / t.cells : 0;
  summaries.push(
    `${label}: ${t.right}/${t.cells} cells right (${share.toFixed(1)}%; goal >= 95%) · passes with nothing inspected: ${t.emptyPasses} (goal 0) · failures without a location: ${t.unlocatedFails} (goal 0)` +
      (t.skipped.length
        ? `\n  skipped (no archive or folder): ${t.skipped.join(', ')} — run npm run scan-accuracy:fetch (see ${corpus}/README.md)`
        : ''),
  );
  if (t.cells === 0 || share < 95 || t.emptyPasses > 0 || t.unlocatedFails > 0) failed = true;
}
console.log(`\n${summaries.join('\n')}`);
if (failed) process.exitCode = 1;

function evaluateCorpus(corpus: string): Tally {
  const t: Tally = {
    cells: 0,
    right: 0,
    emptyPasses: 0,
    unlocatedFails: 0,
    wrong: [],
    rows: [],
    skipped: [],
  };
  for (const file of readdirSync(corpus)
    .filter((f) => f.endsWith('.truth.json'))
    .sort()) {
    const name = file.slice(0, -'.truth.json'.length);
    const truth = JSON.parse(readFileSync(join(corpus, file), 'utf8')) as Truth;
    const dir = materialize(corpus, name);
    if (!dir) {
      t.skipped.push(name);
      continue;
    }
    try {
      compareRepository(name, truth, dir.path, t);
    } finally {
      dir.cleanup();
    }
  }
  return t;
}

function compareRepository(name: string, truth: Truth, path: string, t: Tally): void {
  const { snapshot } = readLocalSnapshot(path, checks);
  const { layout, results } = evaluateChecks(checks, snapshot);
  for (const r of results) {
    if (r.status === 'pass' && r.evidence.length === 0) t.emptyPasses++;
    if (r.status === 'fail' && r.evidence.length === 0) t.unlocatedFails++;
  }
  for (const svc of truth.services) {
    const unit =
      layout.units.find((u) => u.path === svc.path) ??
      layout.unitOf(svc.path === '.' ? 'x' : `${svc.path}/x`);
    const unitNote = unit?.path === svc.path ? '' : ` (steering unit: ${unit?.path ?? 'none'})`;
    for (const q of QUESTIONS) {
      const cell = svc.cells[q];
      if (!cell) continue;
      const mine = results.filter((r) => r.unit === unit?.path && questionOf(r.checkId) === q);
      const status = worstOf(mine);
      const ok = status === cell.status;
      t.cells++;
      if (ok) t.right++;
      t.rows.push(
        `${name.padEnd(30)} ${svc.path.padEnd(36)} ${q.padEnd(19)} ${cell.status.padEnd(15)} ${status.padEnd(15)} ${ok ? 'yes' : 'NO'}${unitNote}`,
      );
      if (!ok)
        t.wrong.push(
          `${name} ${svc.path} ${q}: truth ${cell.status}, steering ${status}${unitNote}\n    truth: ${cell.evidence}${cell.trap ? `\n    trap: ${cell.trap}` : ''}\n    steering: ${describe(mine)}`,
        );
    }
  }
}

function worstOf(results: readonly CheckResult[]): CheckStatus {
  let w: CheckStatus = 'not-applicable';
  for (const r of results) if (SEVERITY[r.status] > SEVERITY[w]) w = r.status;
  return w;
}

function describe(results: readonly CheckResult[]): string {
  const shown = results.filter((r) => r.status !== 'not-applicable');
  if (shown.length === 0) return 'every check not applicable';
  return shown
    .map(
      (r) =>
        `${r.checkId} ${r.status}: ${r.message}${r.evidence[0] ? ` @ ${r.evidence[0].path}:${r.evidence[0].line}` : ''}`,
    )
    .join(' | ');
}

function materialize(
  corpus: string,
  name: string,
): { path: string; cleanup: () => void } | undefined {
  const folder = join(corpus, name);
  if (existsSync(folder) && statSync(folder).isDirectory())
    return { path: folder, cleanup: () => {} };
  const archive = join(corpus, `${name}.tar.gz`);
  if (!existsSync(archive)) return undefined;
  const tmp = mkdtempSync(join(tmpdir(), `steering-accuracy-${name}-`));
  const r = spawnSync('tar', ['-xzf', archive, '-C', tmp], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tar -xzf ${archive}: ${r.stderr}`);
  return { path: tmp, cleanup: () => rmSync(tmp, { recursive: true, force: true }) };
}
