/**
 * `npm run bench:scan`: a generated 10,000-file repository scanned locally with the performance
 * checks (walk + requiredPaths + read + evaluate), median of several runs. Beside it, repolinter
 * on the same tree when it can run (REPOLINTER_BIN or node_modules/.bin/repolinter), with a
 * ruleset of equivalent file-existence/contents rules; otherwise the reason it could not. And the
 * floor for text matching: one plain `grep -rE` pass with the same patterns, as a ratio.
 * Usage: npm run bench:scan [-- --files 10000 --runs 5]
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { loadGuidelines, scanDirectory } from '../src/cli/commands/scan.js';
import { summarizeFindings, type Check } from '../src/checks/index.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const FILES = arg('files', 10_000);
const RUNS = arg('runs', 5);

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

const root = mkdtempSync(join(tmpdir(), 'steering-bench-scan-'));
try {
  generate(root, FILES);
  const guidelines = loadGuidelines(['guidelines/performance.md']);
  const times: number[] = [];
  let last;
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    last = scanDirectory(root, guidelines);
    times.push(performance.now() - t0);
  }
  const findings = last?.guidelines.flatMap((g) => g.findings) ?? [];
  const s = summarizeFindings(findings);
  console.log(
    `steering scan: ${last?.files} files, ${last?.loaded} loaded, ${guidelines[0]?.checks.length} checks, ${findings.length} rules`,
  );
  console.log(
    `  median ${median(times).toFixed(1)} ms over ${RUNS} runs (min ${Math.min(...times).toFixed(1)}, max ${Math.max(...times).toFixed(1)})`,
  );
  console.log(`  statuses: ${JSON.stringify(s.counts)}`);
  const steeringMs = median(times);
  const grepMs = benchGrep(root, guidelines[0]?.checks ?? []);
  if (grepMs !== undefined)
    console.log(
      `  ratio to the grep floor: ${(steeringMs / grepMs).toFixed(1)}× (steering ${steeringMs.toFixed(1)} ms / grep ${grepMs.toFixed(1)} ms)`,
    );
  const repolinterMs = benchRepolinter(root);
  if (repolinterMs !== undefined)
    console.log(
      `  ratio to repolinter: ${(steeringMs / repolinterMs).toFixed(2)}× (steering ${steeringMs.toFixed(1)} ms / repolinter ${repolinterMs.toFixed(1)} ms)`,
    );
} finally {
  rmSync(root, { recursive: true, force: true });
}

/**
 * The floor for text matching: one plain `grep -rE` pass over the same tree with the text patterns
 * of the shipped checks (JavaScript syntax ERE lacks is rewritten: `(?:` → `(`, lookarounds
 * dropped; patterns grep still rejects are left out and counted).
 */
function benchGrep(dir: string, checks: readonly Check[]): number | undefined {
  const sources = new Set<string>();
  const add = (c: { type: string; pattern?: string | string[] }) => {
    if (c.type === 'file-contains' || c.type === 'file-not-contains' || c.type === 'ci-runs')
      for (const p of c.pattern === undefined
        ? []
        : Array.isArray(c.pattern)
          ? c.pattern
          : [c.pattern])
        sources.add(p);
  };
  for (const c of checks) {
    if (c.type === 'any-of') c.checks.forEach(add);
    else add(c);
  }
  const ere = [...sources]
    .map((p) => p.replace(/\(\?<[!=][^()]*(?:\([^()]*\)[^()]*)*\)/g, '').replace(/\(\?:/g, '('))
    .filter((p) => spawnSync('grep', ['-E', '-e', p], { input: '' }).status !== 2);
  const args = [
    '-rEl',
    '--exclude-dir=node_modules',
    '--exclude-dir=.git',
    ...ere.flatMap((p) => ['-e', p]),
    dir,
  ];
  const times: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    const res = spawnSync('grep', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    times.push(performance.now() - t0);
    if (res.error || (res.status !== 0 && res.status !== 1)) {
      console.log(`grep -rE: could not run: ${res.error?.message ?? res.stderr.split('\n')[0]}`);
      return undefined;
    }
  }
  console.log(
    `grep -rE (${ere.length} of ${sources.size} check patterns, one pass): median ${median(times).toFixed(1)} ms over ${RUNS} runs`,
  );
  return median(times);
}

function benchRepolinter(dir: string): number | undefined {
  const bin = process.env.REPOLINTER_BIN ?? join(process.cwd(), 'node_modules/.bin/repolinter');
  if (!existsSync(bin)) {
    console.log(
      `repolinter: could not run: not installed (${bin} missing; set REPOLINTER_BIN to a repolinter 0.12 binary to compare)`,
    );
    return undefined;
  }
  // Equivalent rules: file existence and content searches over the same globs.
  const ruleset = {
    $schema: 'https://raw.githubusercontent.com/todogroup/repolinter/master/rulesets/schema.json',
    version: 2,
    axioms: {},
    rules: {
      'load-tests': {
        level: 'error',
        rule: { type: 'file-existence', options: { globsAny: ['**/*.jmx', '**/locustfile*.py'] } },
      },
      'pool-size': {
        level: 'error',
        rule: { type: 'file-contents', options: { globsAll: ['**/*.py'], content: 'pool_size' } },
      },
      'no-select-star': {
        level: 'error',
        rule: {
          type: 'file-not-contents',
          options: { globsAll: ['**/*.{sql,py,java,ts}'], content: 'SELECT \\* FROM' },
        },
      },
      g1gc: {
        level: 'error',
        rule: {
          type: 'file-contents',
          options: { globsAll: ['**/Dockerfile*'], content: 'UseG1GC' },
        },
      },
    },
  };
  const rulesetPath = join(dir, '..', `repolinter-${process.pid}.json`);
  writeFileSync(rulesetPath, JSON.stringify(ruleset));
  const times: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    const res = spawnSync(bin, ['lint', dir, '--rulesetFile', rulesetPath], { encoding: 'utf8' });
    times.push(performance.now() - t0);
    if (res.error || (res.status !== 0 && res.status !== 1)) {
      console.log(
        `repolinter: could not run: ${res.error?.message ?? `exit ${res.status}: ${(res.stderr || res.stdout).split('\n')[0]}`}`,
      );
      rmSync(rulesetPath, { force: true });
      return undefined;
    }
  }
  rmSync(rulesetPath, { force: true });
  console.log(
    `repolinter lint (4 equivalent rules): median ${median(times).toFixed(1)} ms over ${RUNS} runs`,
  );
  return median(times);
}
