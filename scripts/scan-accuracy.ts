// npm run scan-accuracy [-- --verbose] [--corpus <dir>]: the scanner against hand-checked truth.
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
const CORPUS = corpusAt >= 0 ? (args[corpusAt + 1] as string) : 'test/fixtures/real-repos';

const md = 'guidelines/performance.md';
const doc = compileGuideline(readFileSync(md, 'utf8'), { path: md }).document;
if (!doc) throw new Error(`${md} does not compile`);
const loaded = loadChecks(readFileSync('guidelines/performance.checks.yaml', 'utf8'), doc.rules);
const checks: Check[] = loaded.checks.filter((c) => questionOf(c.id) !== undefined);

const SEVERITY: Record<CheckStatus, number> = {
  error: 4,
  fail: 3,
  unchecked: 2,
  pass: 1,
  'not-applicable': 0,
};

let cells = 0;
let right = 0;
let emptyPasses = 0;
let unlocatedFails = 0;
const wrong: string[] = [];
const rows: string[] = [];
const skipped: string[] = [];

for (const file of readdirSync(CORPUS)
  .filter((f) => f.endsWith('.truth.json'))
  .sort()) {
  const name = file.slice(0, -'.truth.json'.length);
  const truth = JSON.parse(readFileSync(join(CORPUS, file), 'utf8')) as Truth;
  const dir = materialize(name);
  if (!dir) {
    skipped.push(name);
    continue;
  }
  try {
    const { snapshot } = readLocalSnapshot(dir.path, checks);
    const { layout, results } = evaluateChecks(checks, snapshot);
    for (const r of results) {
      if (r.status === 'pass' && r.evidence.length === 0) emptyPasses++;
      if (r.status === 'fail' && r.evidence.length === 0) unlocatedFails++;
    }
    for (const svc of truth.services) {
      const unit =
        layout.units.find((u) => u.path === svc.path) ??
        layout.unitOf(svc.path === '.' ? 'x' : `${svc.path}/x`);
      const unitNote = unit?.path === svc.path ? '' : ` (steering unit: ${unit?.path ?? 'none'})`;
      for (const q of QUESTIONS) {
        const t = svc.cells[q];
        if (!t) continue;
        const mine = results.filter((r) => r.unit === unit?.path && questionOf(r.checkId) === q);
        const status = worstOf(mine);
        const ok = status === t.status;
        cells++;
        if (ok) right++;
        rows.push(
          `${name.padEnd(30)} ${svc.path.padEnd(36)} ${q.padEnd(19)} ${t.status.padEnd(15)} ${status.padEnd(15)} ${ok ? 'yes' : 'NO'}${unitNote}`,
        );
        if (!ok)
          wrong.push(
            `${name} ${svc.path} ${q}: truth ${t.status}, steering ${status}${unitNote}\n    truth: ${t.evidence}${t.trap ? `\n    trap: ${t.trap}` : ''}\n    steering: ${describe(mine)}`,
          );
      }
    }
  } finally {
    dir.cleanup();
  }
}

console.log(
  `${'REPOSITORY'.padEnd(30)} ${'UNIT'.padEnd(36)} ${'QUESTION'.padEnd(19)} ${'TRUTH'.padEnd(15)} ${'STEERING'.padEnd(15)} RIGHT`,
);
for (const r of rows) console.log(r);
if (verbose && wrong.length) console.log(`\nWrong cells:\n${wrong.join('\n')}`);
const share = cells ? (100 * right) / cells : 0;
console.log(
  `\n${right}/${cells} cells right (${share.toFixed(1)}%; goal >= 95%) · passes with nothing inspected: ${emptyPasses} (goal 0) · failures without a location: ${unlocatedFails} (goal 0)`,
);
if (skipped.length)
  console.log(`skipped (no archive or folder): ${skipped.join(', ')} — see ${CORPUS}/README.md`);
if (cells === 0 || share < 95 || emptyPasses > 0 || unlocatedFails > 0) process.exitCode = 1;

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

function materialize(name: string): { path: string; cleanup: () => void } | undefined {
  const folder = join(CORPUS, name);
  if (existsSync(folder) && statSync(folder).isDirectory())
    return { path: folder, cleanup: () => {} };
  const archive = join(CORPUS, `${name}.tar.gz`);
  if (!existsSync(archive)) return undefined;
  const tmp = mkdtempSync(join(tmpdir(), `steering-accuracy-${name}-`));
  const r = spawnSync('tar', ['-xzf', archive, '-C', tmp], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tar -xzf ${archive}: ${r.stderr}`);
  return { path: tmp, cleanup: () => rmSync(tmp, { recursive: true, force: true }) };
}
