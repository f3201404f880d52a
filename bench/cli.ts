/**
 * `npm run bench:cli`: whole-process wall times of the compiled CLI beside a bare `node -e 0`,
 * measured in the same run and interleaved (so a busy machine slows both alike). Goals:
 * `--version` ≤ 3× bare node, `rules guidelines/performance.md` ≤ 5×. Needs `npm run build`.
 * Prints the median of each and the ratio; exit 1 when a goal is missed.
 * Usage: npm run bench:cli [-- runs]   (default 15 runs each)
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const runs = Number(process.argv[2] ?? 15);
if (!existsSync('dist/bundle/main.js')) {
  console.error('bench:cli: dist/ is missing; run `npm run build` first');
  process.exit(2);
}

const env = { ...process.env, STEERING_FROM_SOURCE: '' };
const cases = [
  { name: 'node -e 0', args: ['-e', '0'], goal: undefined },
  { name: 'steering --version', args: ['bin/steering.js', '--version'], goal: 3 },
  {
    name: 'steering rules guidelines/performance.md',
    args: ['bin/steering.js', 'rules', 'guidelines/performance.md'],
    goal: 5,
  },
];

function once(args: string[]): number {
  const start = performance.now();
  const r = spawnSync(process.execPath, args, { env, stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
  return performance.now() - start;
}

const times = cases.map(() => [] as number[]);
for (let i = 0; i < runs + 1; i++) {
  cases.forEach((c, j) => {
    const ms = once(c.args);
    if (i > 0) times[j]!.push(ms); // the first round warms the file cache
  });
}
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};
const base = median(times[0]!);
let missed = 0;
console.log(`node ${process.version}, ${runs} runs each, medians:`);
cases.forEach((c, j) => {
  const m = median(times[j]!);
  const ratio = m / base;
  const verdict =
    c.goal === undefined
      ? ''
      : ratio <= c.goal
        ? `ok (goal ≤ ${c.goal}×)`
        : `MISSED (goal ≤ ${c.goal}×)`;
  if (c.goal !== undefined && ratio > c.goal) missed++;
  console.log(
    `  ${c.name.padEnd(42)} ${m.toFixed(0).padStart(5)} ms  ${ratio.toFixed(2)}×  ${verdict}`,
  );
});
process.exitCode = missed ? 1 : 0;
