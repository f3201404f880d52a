/**
 * `npm run bench:scan`: a repository scanned locally with the performance checks (walk +
 * requiredPaths + read + evaluate), median of several runs, interleaved with its baselines so a
 * busy machine slows both alike:
 * - the text checks alone (file-exists / file-contains / file-not-contains) against the floor for
 *   text matching, one plain `grep -rE` pass with the same patterns (issue goal: <= 1.2x), and
 *   the same grep with LC_ALL=C;
 * - the whole scan (structural ast-grep, JSON/YAML paths, CI) against the same floor;
 * - repolinter with one equivalent rule per text check (same globs and patterns) when it can run
 *   (REPOLINTER_BIN or node_modules/.bin/repolinter); otherwise the reason it could not.
 * The tree is generated (--files, default 10,000) or a real one (--tree <dir>, left untouched).
 * Wall time and CPU time (this process's for the scan, the child's for grep and repolinter) are
 * both reported: on a shared machine the CPU ratio is the steadier one.
 * Usage: npm run bench:scan [-- --files 10000 --runs 5 --repolinter-runs 1 --tree <dir>]
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { loadGuidelines, scanDirectory } from '../src/cli/commands/scan.js';
import { ignoredDirNames, type Check } from '../src/checks/index.js';

/** What the baselines need of a text check (any-of members included). */
interface TextLeaf {
  id: string;
  type: string;
  files?: string | string[];
  pattern?: string | string[];
  flags?: string;
}

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const FILES = arg('files', 10_000);
const RUNS = arg('runs', 5);
/** repolinter takes minutes on 10,000 files with ~70 rules: it runs in the first rounds only. */
const REPOLINTER_RUNS = arg('repolinter-runs', 1);
const TREE = process.argv.includes('--tree')
  ? resolve(process.argv[process.argv.indexOf('--tree') + 1] as string)
  : undefined;
const TEXT_TYPES = new Set(['file-exists', 'file-contains', 'file-not-contains']);

const SAMPLES: [string, (i: number) => string][] = [
  ['py', (i) => `import requests\n\ndef f${i}(url):\n    return requests.get(url, timeout=5)\n`],
  ['java', (i) => `package p;\npublic class C${i} {\n  String q = "SELECT id FROM t${i}";\n}\n`],
  [
    'ts',
    (i) =>
      `export async function f${i}(u: string) {\n  return fetch(u, { signal: AbortSignal.timeout(2000) });\n}\n`,
  ],
  ['yaml', (i) => `name: svc-${i}\nreplicas: 2\n`],
  ['md', (i) => `# Note ${i}\n\nSome text.\n`],
  ['json', (i) => `{"id": ${i}}\n`],
  ['sql', (i) => `SELECT a, b FROM t${i} WHERE EXISTS (SELECT * FROM u WHERE u.id = t${i}.id);\n`],
  ['txt', (i) => `line ${i}\n`],
];

function generate(root: string, n: number): void {
  writeFileSync(
    join(root, 'requirements.txt'),
    'fastapi\nrequests\nSQLAlchemy\nprometheus-client\n',
  );
  writeFileSync(join(root, 'package.json'), '{"dependencies":{"express":"5","pg":"8"}}\n');
  writeFileSync(
    join(root, 'pom.xml'),
    '<project><dependencies><dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-actuator</artifactId></dependency></dependencies></project>\n',
  );
  mkdirSync(join(root, 'k8s'));
  writeFileSync(
    join(root, 'k8s/app.yaml'),
    'kind: Deployment\n---\nkind: HorizontalPodAutoscaler\nspec:\n  minReplicas: 2\n  targetCPUUtilizationPercentage: 70\n',
  );
  for (let i = 0; i < n - 4; i++) {
    const [ext, body] = SAMPLES[i % SAMPLES.length] as [string, (i: number) => string];
    const dir = join(
      root,
      `pkg${i % 50}`,
      `mod${Math.floor(i / 50) % 20}`,
      i % 7 === 0 ? 'tests' : 'src',
    );
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `f${i}.${ext}`), body(i));
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

const root = TREE ?? mkdtempSync(join(tmpdir(), 'steering-bench-scan-'));
try {
  if (!TREE) generate(root, FILES);
  const [guideline] = loadGuidelines(['guidelines/performance.md']);
  if (!guideline) throw new Error('guidelines/performance.md did not load');
  const textChecks = guideline.checks.filter(
    (c) =>
      TEXT_TYPES.has(c.type) ||
      (c.type === 'any-of' && c.checks.every((x) => TEXT_TYPES.has(x.type))),
  );
  const text = [{ ...guideline, checks: textChecks }];
  const grep = grepCommand(root, textChecks);
  // The same grep matching bytes (LC_ALL=C): in a UTF-8 locale GNU grep's matcher is several times
  // slower on these patterns; the patterns are ASCII, so this is the stricter floor.
  const grepC = { ...grep, env: { ...process.env, LC_ALL: 'C' } };
  const repolinter = repolinterCommand(root, textChecks);
  type Key = 'text' | 'full' | 'grep' | 'grepC';
  const times = {
    text: [] as number[],
    full: [] as number[],
    grep: [] as number[],
    grepC: [] as number[],
  };
  const cpu = {
    text: [] as number[],
    full: [] as number[],
    grep: [] as number[],
    grepC: [] as number[],
  };
  const rl = { wall: [] as number[], cpu: [] as number[] };
  const record = (k: Key, t: { wall: number; cpu: number }) => {
    times[k].push(t.wall);
    cpu[k].push(t.cpu);
  };
  let files = 0;
  for (let r = 0; r < RUNS; r++) {
    record(
      'text',
      timed(() => (files = scanDirectory(root, text).files)),
    );
    record(
      'grep',
      timed(() => run(grep)),
    );
    record(
      'grepC',
      timed(() => run(grepC)),
    );
    record(
      'full',
      timed(() => scanDirectory(root, [guideline])),
    );
    // Its first run tells whether it runs at all.
    if (repolinter && r < REPOLINTER_RUNS) {
      try {
        const t = timed(() => run(repolinter));
        rl.wall.push(t.wall);
        rl.cpu.push(t.cpu);
      } catch (err) {
        if (r > 0) throw err;
        console.log(`repolinter: could not run: ${(err as Error).message}`);
      }
    }
  }
  const m = (xs: number[]) => median(xs).toFixed(1);
  console.log(
    `tree: ${TREE ?? `generated, ${FILES} files`} (${files} files walked); ${RUNS} runs each, interleaved`,
  );
  const both = (k: Key) => `median ${m(times[k])} ms (CPU ${m(cpu[k])} ms)`;
  console.log(`steering scan, ${textChecks.length} text checks: ${both('text')}`);
  console.log(`steering scan, all ${guideline.checks.length} checks:  ${both('full')}`);
  console.log(`grep -rE, the same ${grep.patterns} text patterns in one pass: ${both('grep')}`);
  console.log(`the same grep with LC_ALL=C (bytes, not UTF-8): ${both('grepC')}`);
  const ratio = (a: number[], b: number[]) => (median(a) / median(b)).toFixed(2);
  console.log(
    `  ratio, text checks to the grep floor: ${ratio(times.text, times.grep)}x (goal <= 1.2x); CPU ${ratio(cpu.text, cpu.grep)}x`,
  );
  console.log(
    `  ratio, whole scan to the grep floor:  ${ratio(times.full, times.grep)}x; CPU ${ratio(cpu.full, cpu.grep)}x`,
  );
  console.log(
    `  ratio, text checks to grep with LC_ALL=C: ${ratio(times.text, times.grepC)}x; CPU ${ratio(cpu.text, cpu.grepC)}x`,
  );
  if (rl.wall.length > 0) {
    console.log(
      `repolinter lint, ${repolinter?.rules} equivalent rules: median ${m(rl.wall)} ms (CPU ${m(rl.cpu)} ms) over ${rl.wall.length} runs`,
    );
    console.log(
      `  ratio, text checks to repolinter: ${ratio(times.text, rl.wall)}x; CPU ${ratio(cpu.text, rl.cpu)}x`,
    );
  }
} finally {
  if (!TREE) rmSync(root, { recursive: true, force: true });
}

/** Wall time and CPU time (this process's and its waited-for children's) of f, in ms. */
function timed(f: () => unknown): { wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const k0 = childrenCpu();
  const t0 = performance.now();
  f();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 + childrenCpu() - k0 };
}

/** CPU ms used by this process's waited-for children (Linux: cutime + cstime, in clock ticks). */
function childrenCpu(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the name: state is field 3, so cutime (16) and cstime (17) are at 13 and 14.
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return 0;
  }
}

function run(cmd: { bin: string; args: string[]; cwd?: string; env?: NodeJS.ProcessEnv }): void {
  const res = spawnSync(cmd.bin, cmd.args, {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    ...(cmd.cwd ? { cwd: cmd.cwd } : {}),
    ...(cmd.env ? { env: cmd.env } : {}),
  });
  if (res.error || (res.status !== 0 && res.status !== 1))
    throw new Error(
      `${cmd.bin}: ${res.error?.message ?? (res.stderr || res.stdout).split('\n')[0]}`,
    );
}

function leaves(checks: readonly Check[]): TextLeaf[] {
  return checks.flatMap((c): TextLeaf[] =>
    c.type === 'any-of' ? c.checks.map((x, i) => ({ ...x, id: `${c.id}-${i}` })) : [c],
  );
}

function patternsOf(c: TextLeaf): string[] {
  if (c.type !== 'file-contains' && c.type !== 'file-not-contains') return [];
  if (c.pattern === undefined) return [];
  return Array.isArray(c.pattern) ? c.pattern : [c.pattern];
}

/**
 * The floor for text matching: one `grep -rE` over the tree with the text checks' patterns
 * (JavaScript syntax ERE lacks is rewritten: `(?:` → `(`, lookarounds dropped; patterns grep
 * still rejects are left out and counted). It skips the folders the scan does not enter and runs
 * from the tree's root (`grep` also skips a command-line folder named like an excluded one).
 */
function grepCommand(dir: string, checks: readonly Check[]) {
  const sources = new Set(leaves(checks).flatMap(patternsOf));
  const ere = [...sources]
    .map((p) => p.replace(/\(\?<[!=][^()]*(?:\([^()]*\)[^()]*)*\)/g, '').replace(/\(\?:/g, '('))
    .filter((p) => spawnSync('grep', ['-E', '-e', p], { input: '' }).status !== 2);
  const args = [
    '-rEl',
    ...ignoredDirNames().map((d) => `--exclude-dir=${d}`),
    ...ere.flatMap((p) => ['-e', p]),
    '.',
  ];
  return { bin: 'grep', args, cwd: dir, patterns: `${ere.length} of ${sources.size}` };
}

/** repolinter with one rule per text check: the same globs, the same regular expressions. */
function repolinterCommand(dir: string, checks: readonly Check[]) {
  const bin = process.env.REPOLINTER_BIN ?? join(process.cwd(), 'node_modules/.bin/repolinter');
  if (!existsSync(bin)) {
    console.log(
      `repolinter: could not run: not installed (${bin} missing; set REPOLINTER_BIN to a repolinter 0.12 binary)`,
    );
    return undefined;
  }
  const rules: Record<string, unknown> = {};
  for (const c of leaves(checks)) {
    const globs = c.files === undefined ? [] : Array.isArray(c.files) ? c.files : [c.files];
    if (c.type === 'file-exists')
      rules[c.id] = {
        level: 'error',
        rule: { type: 'file-existence', options: { globsAny: globs } },
      };
    patternsOf(c).forEach((content, i) => {
      const type = c.type === 'file-contains' ? 'file-contents' : 'file-not-contents';
      const options = { globsAll: globs, content, flags: c.flags ?? '' };
      rules[`${c.id}-${i}`] = { level: 'error', rule: { type, options } };
    });
  }
  const rulesetPath = join(tmpdir(), `repolinter-${process.pid}.json`);
  writeFileSync(rulesetPath, JSON.stringify({ version: 2, axioms: {}, rules }));
  return {
    bin,
    args: ['lint', dir, '--rulesetFile', rulesetPath],
    rules: Object.keys(rules).length,
  };
}
