// The real binary, spawned as a user runs it: what the in-process tests (runCli) cannot show —
// bin/steering.js starting the sources, the process's exit code and streams, the process's
// working directory and environment reaching the run.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';

const BIN = resolve('bin/steering.js');
const run = (args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) =>
  spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', ...options });

test('bin/steering.js: exit codes and streams of the process (0, 1 with file:line:column, 2)', () => {
  const ok = run(['rules', 'performance.md', '--json'], { cwd: resolve('guidelines') });
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(JSON.parse(ok.stdout).id, 'performance');
  assert.match(ok.stderr, /^performance\.md:612:12: warning double-encoded/m);

  const broken = join(mkdtempSync(join(tmpdir(), 'steering-bin-')), 'broken.md');
  writeFileSync(broken, '---\nid: [unclosed\n---\n# T\n\n- Use timeouts\n');
  const bad = run(['lint', broken]);
  assert.equal(bad.status, 1);
  assert.match(bad.stdout, /broken\.md:\d+:\d+: error frontmatter-invalid/);

  const usage = run(['frobnicate']);
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /unknown command 'frobnicate'/);
});

test('bin/steering.js: the environment reaches the configuration; a bad value is one line', () => {
  const r = run(['migrate', '--status'], {
    env: { ...process.env, DATABASE_URL: 'not a url', STEERING_FROM_SOURCE: '1' },
  });
  assert.equal(r.status, 1, r.stdout);
  assert.match(r.stderr, /^steering: invalid configuration:\n {2}- DATABASE_URL: Invalid URL/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
});
