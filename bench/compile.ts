// npm run bench:compile — the compiler's cost beside remark's bare parse (remark-parse + gfm +
// frontmatter, the parse the compiler itself starts with), as a ratio measured in the same run.
// Prints the seed guideline, then the curve over document sizes (20 KB, 200 KB, 2 MB by default):
// a linear compiler keeps the same ratio at every size. Goal: ≤ 1.5× at every size.
//   npm run bench:compile                      seed + curve
//   npm run bench:compile -- --sizes 20000,150000   curve over these sizes only
//   npm run bench:compile -- FILE [runs]       one document
//   --runs N                                   N timed runs per point (default: fewer for larger)
// Composite documents are the seed guideline and the fidelity corpus documents (frontmatter
// removed) one after another, headings numbered per round, until the size is reached.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { compileGuideline } from '../src/guidelines/index.js';

const GOAL = 1.5;
const parser = unified().use(remarkParse).use(remarkGfm).use(remarkFrontmatter, ['yaml']).freeze();
const argv = process.argv.slice(2);
const sizesAt = argv.indexOf('--sizes');
const sizes =
  sizesAt >= 0 ? argv[sizesAt + 1]!.split(',').map(Number) : [20_000, 200_000, 2_000_000];
const runsAt = argv.indexOf('--runs');
const fixedRuns = runsAt >= 0 ? Number(argv[runsAt + 1]) : undefined;
const positional = argv.filter(
  (a, i) => !a.startsWith('--') && argv[i - 1] !== '--sizes' && argv[i - 1] !== '--runs',
);

interface Row {
  name: string;
  bytes: number;
  rules: number;
  runs: number;
  parse: number;
  compile: number;
}

/** Median of `runs` timings after a short warm-up (JIT, caches). */
function median(fn: () => void, runs: number): number {
  for (let i = 0; i < Math.min(5, runs); i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

function measure(name: string, bytes: Buffer, runs: number): Row {
  const text = bytes.toString('utf8');
  const path = name.endsWith('.md') ? name : `${name}.md`;
  // Interleaved, twice, best of the two medians: machine noise hits both alike.
  const parse1 = median(() => parser.parse(text), runs);
  const compile1 = median(() => compileGuideline(bytes, { path }), runs);
  const parse2 = median(() => parser.parse(text), runs);
  const compile2 = median(() => compileGuideline(bytes, { path }), runs);
  const compiled = compileGuideline(bytes, { path });
  const errors = compiled.diagnostics.filter((d) => d.severity === 'error');
  if (!compiled.document)
    throw new Error(`${name} does not compile: ${errors.map((d) => d.message).join('; ')}`);
  const rules = compiled.document.rules.length;
  return {
    name,
    bytes: bytes.length,
    rules,
    runs,
    parse: Math.min(parse1, parse2),
    compile: Math.min(compile1, compile2),
  };
}

function compositeDocument(min: number): Buffer {
  const corpus = 'test/fixtures/corpus';
  const parts = [readFileSync('guidelines/performance.md', 'utf8')];
  if (existsSync(corpus))
    for (const name of readdirSync(corpus).sort()) {
      const file = `${corpus}/${name}/input.md`;
      if (existsSync(file))
        parts.push(readFileSync(file, 'utf8').replace(/^---\n[\s\S]*?\n---\n/, ''));
    }
  let text = '';
  for (let i = 0; Buffer.byteLength(text) < min; i++) {
    const round = Math.floor(i / parts.length);
    text += `${ownIds(parts[i % parts.length]!, round).replace(/^(#+ .*)$/gm, `$1 (${round})`)}\n\n`;
  }
  return Buffer.from(text);
}

/**
 * A later round's copy of a document with its author ids made its own (anchors, `{#id}`, pins,
 * requirement numbers): equal author ids are an error, and a failed compile is not the curve.
 */
function ownIds(text: string, round: number): string {
  if (round === 0) return text;
  return text
    .replace(/\bname="([^"]+)"/g, `name="$1-r${round}"`)
    .replace(/\{#([^}\s]+)\}/g, `{#$1-r${round}}`)
    .replace(/steering-id:\s*([^\s>]+)/g, `steering-id: $1-r${round}`)
    .replace(/^\| \*\*(\d+(?:\.\d+)*)\*\*/gm, `| **${100 + round}.$1**`)
    .replace(/\[(\d+)\]/g, (_, n: string) => `[${round * 100_000 + Number(n)}]`);
}

/** Fewer runs for larger documents, so the 2 MB point takes seconds, not minutes. */
const runsFor = (bytes: number) =>
  fixedRuns ?? Math.max(3, Math.min(100, Math.round(2_000_000 / bytes)));

const kb = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${Math.round(n / 1e3)} KB`);

function printHeader(): void {
  console.log(
    'document                     size      rules  runs  remark parse  steering compile  ratio',
  );
}

/** One row, printed as soon as it is measured (the 2 MB point takes a while on a busy machine). */
function printRow(r: Row): void {
  console.log(
    `${r.name.padEnd(28)} ${kb(r.bytes).padStart(7)}  ${String(r.rules).padStart(5)}  ${String(r.runs).padStart(4)}  ${`${r.parse.toFixed(2)} ms`.padStart(12)}  ${`${r.compile.toFixed(2)} ms`.padStart(16)}  ${(r.compile / r.parse).toFixed(2)}×`,
  );
}

function printWorst(rows: Row[]): void {
  const worst = Math.max(...rows.map((r) => r.compile / r.parse));
  console.log(
    `worst ratio ${worst.toFixed(2)}× (goal ≤ ${GOAL}× at every size) ${worst <= GOAL ? 'met' : 'NOT met'}`,
  );
}

const rows: Row[] = [];
const measureAndPrint = (name: string, bytes: Buffer, runs: number) => {
  const row = measure(name, bytes, runs);
  rows.push(row);
  printRow(row);
};
printHeader();
if (positional[0]) {
  const bytes = readFileSync(positional[0]);
  measureAndPrint(positional[0], bytes, Number(positional[1] ?? runsFor(bytes.length)));
} else {
  if (sizesAt < 0)
    measureAndPrint('guidelines/performance.md', readFileSync('guidelines/performance.md'), 200);
  for (const size of sizes) {
    const bytes = compositeDocument(size);
    measureAndPrint(`composite-${size}`, bytes, runsFor(bytes.length));
  }
}
printWorst(rows);
