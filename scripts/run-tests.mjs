#!/usr/bin/env node
// Finds test/**/*.test.ts and runs them with node's test runner (Node 20 does not expand globs,
// and passes silently on zero files: we refuse to).
// Usage: node scripts/run-tests.mjs [--unit] [--durations] [filter-substring ...]
//   --unit       only the unit tests: files under test/unit/ and those listed in test/unit-files.txt,
//                run with PostgreSQL and Redis pointed at a closed port (they must need neither)
//   --durations  after the run, print each file's time, slowest first (each file in a process of
//                its own, so its start-up counts in its time)
//
// The unit files (test/unit-files.txt, test/unit/) and the files listed in test/shared-files.txt
// share processes: one per concurrency slot, each importing its share of them. They change no
// process-wide state, and much of such a file's time alone was its own start-up (loading tsx and
// the rooms it imports). Every other file runs in a process of its own, as node's runner does by
// default.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';

const CONCURRENCY = 2;

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

/** The test files a list names (one path a line, `#` comments); refuses a name that is no file. */
function listedFiles(list, all) {
  const listed = readFileSync(list, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const missing = listed.filter((f) => !all.has(f));
  if (missing.length) {
    console.error(`run-tests: ${list} names files that do not exist: ${missing.join(', ')}`);
    process.exit(1);
  }
  return listed;
}

const allFiles = new Set(walk('test').map((f) => relative('.', f)));

function unitFiles() {
  const listed = listedFiles('test/unit-files.txt', allFiles);
  return new Set([...listed, ...[...allFiles].filter((f) => f.startsWith(`test${'/'}unit/`))]);
}

const args = process.argv.slice(2);
const unit = args.includes('--unit');
const durations = args.includes('--durations');
const filters = args.filter((a) => a !== '--unit' && a !== '--durations');
const units = unitFiles();
const sharing = new Set([...units, ...listedFiles('test/shared-files.txt', allFiles)]);
const selected = unit ? units : undefined;
const files = [...allFiles]
  .filter((f) => !selected || selected.has(f))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error(
    `run-tests: no test files found${filters.length ? ` matching ${filters.join(', ')}` : ''}`,
  );
  process.exit(1);
}

/**
 * The files among `files` that may share a process, dealt round-robin into one entry module per
 * concurrency slot (in a temporary folder), and the other files as they are.
 */
function groupSharingFiles(files) {
  const shared = files.filter((f) => sharing.has(f));
  if (durations || shared.length < 2) return { args: files, cleanup() {} };
  const dir = mkdtempSync(join(tmpdir(), 'steering-tests-'));
  const groups = Array.from({ length: CONCURRENCY }, () => []);
  shared.forEach((f, i) => groups[i % CONCURRENCY].push(f));
  const entries = groups
    .filter((g) => g.length)
    .map((g, i) => {
      const entry = join(dir, `shared-files-${i + 1}-of-${CONCURRENCY}.test.mjs`);
      const lines = g.map((f) => `import ${JSON.stringify(pathToFileURL(resolve(f)).href)};`);
      writeFileSync(entry, `// ${g.join(', ')}\n${lines.join('\n')}\n`);
      return entry;
    });
  return {
    args: [...entries, ...files.filter((f) => !sharing.has(f))],
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
const run = groupSharingFiles(files);

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
    `--test-concurrency=${CONCURRENCY}`,
    // A hang guard only: no test's result depends on the clock (they await events).
    '--test-timeout=600000',
    ...run.args,
  ],
  { stdio: 'inherit', env },
);
run.cleanup();
process.exit(result.status ?? 1);
