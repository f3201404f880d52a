// npm run bench:compile — time to compile guidelines/performance.md (median of many runs) beside the
// time remark alone takes to parse it. Goal: the compiler costs at most 2× the bare parse.
// `npm run bench:compile -- --size 150000 [runs]`: a document of at least that many bytes, made of
// the seed guideline and the fidelity corpus documents (frontmatter removed) one after another.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { compileGuideline } from '../src/guidelines/index.js';

const sizeAt = process.argv.indexOf('--size');
const size = sizeAt > 0 ? Number(process.argv[sizeAt + 1]) : 0;
const args = process.argv
  .slice(2)
  .filter((_, i, all) => all[i] !== '--size' && all[i - 1] !== '--size');
const path = size ? `composite-${size}.md` : (args[0] ?? 'guidelines/performance.md');
const runs = Number((size ? args[0] : args[1]) ?? (size ? 30 : 200));
const bytes = size ? compositeDocument(size) : readFileSync(path);
const text = bytes.toString('utf8');
const parser = unified().use(remarkParse).use(remarkGfm).use(remarkFrontmatter, ['yaml']).freeze();

function median(fn: () => void): number {
  for (let i = 0; i < 20; i++) fn(); // warm-up: JIT and caches
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

// Interleave the two measurements so machine noise hits both alike.
const parse1 = median(() => parser.parse(text));
const compile1 = median(() => compileGuideline(bytes, { path }));
const parse2 = median(() => parser.parse(text));
const compile2 = median(() => compileGuideline(bytes, { path }));
const parse = Math.min(parse1, parse2);
const compile = Math.min(compile1, compile2);
const rules = compileGuideline(bytes, { path }).document?.rules.length ?? 0;
console.log(`document: ${path} (${bytes.length} bytes, ${rules} rules), ${runs} runs each, median`);
console.log(`remark parse alone : ${parse.toFixed(2)} ms`);
console.log(`steering compile   : ${compile.toFixed(2)} ms`);
console.log(`ratio              : ${(compile / parse).toFixed(2)}× (goal ≤ 2×)`);

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
    text += `${parts[i % parts.length]!.replace(/^(#+ .*)$/gm, `$1 (${round})`)}\n\n`;
  }
  return Buffer.from(text);
}
