#!/usr/bin/env node
// Finds test/**/*.test.ts and runs them with node's test runner (Node 20 does not expand globs,
// and passes silently on zero files: we refuse to).
// Usage: node scripts/run-tests.mjs [--unit] [--durations] [filter-substring ...]
//   --unit       only the unit tests: files under test/unit/ and those listed in test/unit-files.txt,
//                run with PostgreSQL and Redis pointed at a closed port (they must need neither)
//   --durations  after the run, print each file's time, slowest first
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    if (name === 'fixtures' || name === 'node_modules') continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...walk(full));
    else if (name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

function unitFiles() {
  const listed = readFileSync('test/unit-files.txt', 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const all = new Set(walk('test').map((f) => relative('.', f)));
  const missing = listed.filter((f) => !all.has(f));
  if (missing.length) {
    console.error(
      `run-tests: test/unit-files.txt names files that do not exist: ${missing.join(', ')}`,
    );
    process.exit(1);
  }
  return new Set([...listed, ...[...all].filter((f) => f.startsWith(`test${'/'}unit/`))]);
}

const args = process.argv.slice(2);
const unit = args.includes('--unit');
const durations = args.includes('--durations');
const filters = args.filter((a) => a !== '--unit' && a !== '--durations');
const selected = unit ? unitFiles() : undefined;
const files = walk('test')
  .map((f) => relative('.', f))
  .filter((f) => !selected || selected.has(f))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error(
    `run-tests: no test files found${filters.length ? ` matching ${filters.join(', ')}` : ''}`,
  );
  process.exit(1);
}

// CLIs the tests spawn (bin/steering.js) run the sources, so a stale dist/ never answers.
const env = { ...process.env, STEERING_FROM_SOURCE: '1' };
if (unit) {
  // Nothing answers on port 1: a unit test that reaches for a service fails instead of using it.
  Object.assign(env, {
    TEST_DATABASE_URL: 'postgres://root@127.0.0.1:1/none',
    TEST_REDIS_URL: 'redis://127.0.0.1:1',
    PGPORT: '1',
  });
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
}
const reporters = durations
  ? [
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=./scripts/report-test-durations.mjs',
      '--test-reporter-destination=stderr',
    ]
  : ['--test-reporter=spec'];
const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    ...reporters,
    '--test-concurrency=2',
    // A hang guard only: no test's result depends on the clock (they await events).
    '--test-timeout=600000',
    ...files,
  ],
  { stdio: 'inherit', env },
);
process.exit(result.status ?? 1);
