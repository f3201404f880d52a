#!/usr/bin/env node
// Finds test/**/*.test.ts and runs them with node's test runner (Node 20 does not expand globs,
// and passes silently on zero files: we refuse to).
// Usage: node scripts/run-tests.mjs [filter-substring ...]
import { readdirSync, statSync } from 'node:fs';
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

const filters = process.argv.slice(2);
const files = walk('test')
  .map((f) => relative('.', f))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error(
    `run-tests: no test files found${filters.length ? ` matching ${filters.join(', ')}` : ''}`,
  );
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-reporter=spec',
    '--test-concurrency=2',
    // A hang guard only: no test's result depends on the clock (they await events).
    '--test-timeout=600000',
    ...files,
  ],
  // CLIs the tests spawn (bin/steering.js) run the sources, so a stale dist/ never answers.
  { stdio: 'inherit', env: { ...process.env, STEERING_FROM_SOURCE: '1' } },
);
process.exit(result.status ?? 1);
