/**
 * `npm run simulator:conformance [-- test-filter ...]`: runs the test suite (or the test files
 * matching the filters) and the demo with every GitHub simulator recording its traffic, then
 * validates each call and delivery against GitHub's descriptions (the committed subset in
 * src/github/simulator/generated/schemas.json) and prints calls validated / total and deliveries
 * validated / total. `--from <dir>` validates an earlier recording instead. Exits 1 below 100%.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TrafficEntry } from '../src/github/simulator/record-traffic.js';
import { summarize } from '../test/support/validate-github-traffic.js';

const args = process.argv.slice(2);
const fromIndex = args.indexOf('--from');
let dir: string;
if (fromIndex >= 0) {
  dir = args[fromIndex + 1] ?? '';
} else {
  dir = mkdtempSync(join(tmpdir(), 'steering-sim-traffic-'));
  const hook = new URL('./record-simulator-traffic.mjs', import.meta.url).href;
  const env = {
    ...process.env,
    STEERING_SIM_TRAFFIC_DIR: dir,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${hook}`.trim(),
  };
  const filters = args.filter((a) => a !== '--no-demo');
  console.log(`recording simulator traffic into ${dir}`);
  const tests = spawnSync(process.execPath, ['scripts/run-tests.mjs', ...filters], {
    stdio: 'inherit',
    env,
  });
  if (tests.status !== 0) console.log(`(the tests exited with ${tests.status})`);
  if (!args.includes('--no-demo')) {
    const demo = spawnSync(process.execPath, ['bin/steering.js', 'demo'], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env,
    });
    if (demo.status !== 0) console.log(`(the demo exited with ${demo.status})`);
  }
}

function* entries(): Generator<TrafficEntry> {
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.jsonl'))) {
    for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) {
      if (line) yield JSON.parse(line) as TrafficEntry;
    }
  }
}

const s = summarize(entries());
const pct = (v: number, t: number) => (t ? ((100 * v) / t).toFixed(1) : '100.0');
const grouped = new Map<string, { n: number; example: string }>();
for (const f of s.failures) {
  const key = `${f.what.replace(/ \/repos\/[^ ]+/, ' …')}: ${f.problems.join('; ')}`;
  const g = grouped.get(key) ?? { n: 0, example: f.what };
  g.n += 1;
  grouped.set(key, g);
}
for (const [key, g] of [...grouped].sort((a, b) => b[1].n - a[1].n).slice(0, 40))
  console.log(`  ${g.n} × ${key}\n      e.g. ${g.example}`);
console.log(
  `against ${Object.entries(s.sources)
    .map(([k, v]) => `${k}@${v}`)
    .join(', ')}`,
);
console.log(
  `calls validated: ${s.calls.valid}/${s.calls.total} (${pct(s.calls.valid, s.calls.total)}%)`,
);
console.log(
  `deliveries validated: ${s.deliveries.valid}/${s.deliveries.total} (${pct(s.deliveries.valid, s.deliveries.total)}%)`,
);
process.exit(s.failures.length === 0 && s.calls.total > 0 ? 0 : 1);
