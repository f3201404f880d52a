// The `steering` rules, diff and lint commands as a user runs them (in-process: runCli with
// captured streams; test/cli/spawned-bin.test.ts runs the real binary).
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { cli } from '../support/run-cli.js';

const run = (...args: string[]) => cli(args);
const tmp = mkdtempSync(join(tmpdir(), 'steering-cli-'));

test('rules --json prints the performance guideline document', async () => {
  const r = await run('rules', 'guidelines/performance.md', '--json');
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.id, 'performance');
  assert.equal(doc.title, 'Performance Guidelines');
  assert.ok(
    doc.rules.some((x: { id: string }) => x.id === 'performance.query-optimization.avoid-select'),
  );
  assert.match(r.stderr, /guidelines\/performance\.md:612:12: warning double-encoded/);
});

test('rules prints a readable table', async () => {
  const r = await run('rules', 'guidelines/');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Performance Guidelines \(performance\): \d+ rules/);
  assert.match(
    r.stdout,
    /performance\.api-response-times\.health-checks\s+MUST\s+threshold\s+Health checks p95 < 50 ms/,
  );
});

test('diff on a copy with one tightened threshold reports exactly that change and MAJOR', async () => {
  // The new file's name gives the id of both sides (performance), whatever the old file is called.
  mkdirSync(join(tmp, 'next'), { recursive: true });
  const tightened = join(tmp, 'next', 'performance.md');
  writeFileSync(
    tightened,
    readFileSync('guidelines/performance.md', 'utf8').replace(
      'Health checks: < 50ms',
      'Health checks: < 40ms',
    ),
  );
  const r = await run('diff', 'guidelines/performance.md', tightened, '--json');
  assert.equal(r.code, 0, r.stderr);
  const c = JSON.parse(r.stdout);
  assert.equal(c.bump, 'major');
  assert.deepEqual(c.added, []);
  assert.deepEqual(c.removed, []);
  assert.deepEqual(
    c.changed.map((x: { id: string }) => x.id),
    ['performance.api-response-times.health-checks'],
  );
  const text = await run('diff', 'guidelines/performance.md', tightened);
  assert.match(text.stdout, /Bump: MAJOR/);
  assert.match(text.stdout, /threshold tightened: p95 < 50 ms → p95 < 40 ms/);
});

test('lint: exit 0 clean, 1 on problems, 2 on usage errors; one-line positioned errors', async () => {
  assert.equal((await run('lint', 'guidelines/')).code, 0);
  const broken = join(tmp, 'broken.md');
  writeFileSync(broken, '---\nid: [unclosed\n---\n# T\n\n- Use timeouts\n');
  const bad = await run('lint', broken);
  assert.equal(bad.code, 1);
  assert.match(
    bad.stdout,
    new RegExp(
      `${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: error frontmatter-invalid`,
    ),
  );
  assert.doesNotMatch(bad.stdout + bad.stderr, /\n\s+at /, 'no stack trace');
  const missing = await run('lint', join(tmp, 'nope.md'));
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /nope\.md: no such file or directory/);
  assert.equal((await run('lint')).code, 2);
  assert.equal((await run('lint', 'guidelines/', '--max-warnings', '0')).code, 1);
});

test('non-UTF-8 and empty files are errors with a position', async () => {
  const latin1 = join(tmp, 'latin1.md');
  writeFileSync(latin1, Buffer.from('# T\n\n- Use caf\xe9 timeouts\n', 'latin1'));
  const r = await run('rules', latin1);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /latin1\.md:3:10: error not-utf8/);
  const empty = join(tmp, 'empty.md');
  writeFileSync(empty, '');
  assert.match((await run('rules', empty)).stderr, /empty\.md:1:1: error empty/);
});

test("diff reads both sides as the new file's guideline (or --id), never a temporary name", async () => {
  const old = join(tmp, 'tmp-3f9a1c.md');
  copyFileSync('guidelines/performance.md', old);
  const same = await run('diff', old, 'guidelines/performance.md', '--json');
  assert.equal(same.code, 0, same.stderr);
  assert.deepEqual(JSON.parse(same.stdout), { added: [], removed: [], changed: [], bump: 'none' });
  const renamed = join(tmp, 'perf-draft.md');
  copyFileSync('guidelines/performance.md', renamed);
  const withId = await run('diff', old, renamed, '--id', 'performance', '--json');
  assert.equal(withId.code, 0, withId.stderr);
  assert.equal(JSON.parse(withId.stdout).bump, 'none');
});

test('lint --explain prints every candidate with its decision and reason', async () => {
  const doc = join(tmp, 'explain.md');
  writeFileSync(
    doc,
    '# T\n\nThe key words "MUST" and "SHOULD" are to be interpreted as in RFC 2119.\n\n## Timeouts\n\n- Set a connect timeout on every client\n- Coffee machine on floor 3\n',
  );
  const r = await run('lint', '--explain', doc);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /explain\.md:7:3: RULE \[list-items\] "Set a connect timeout on every client" — imperative bullet → explain\.timeouts\.set-connect-timeout-every-client/,
  );
  assert.match(r.stdout, /explain\.md:8:3: NOT A RULE \[list-items\] "Coffee machine on floor 3"/);
  assert.match(
    r.stdout,
    /explain\.md:3:1: NOT A RULE \[keyword-sentences\] .* — explains the keywords/,
  );
});

test('in-process runs read the working directory and environment they are given', async () => {
  const r = await cli(['rules', 'performance.md', '--json'], {
    cwd: join(process.cwd(), 'guidelines'),
  });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).id, 'performance');
  assert.match(r.stderr, /^performance\.md:612:12: warning double-encoded/m);
  const bad = await cli(['migrate', '--status'], { env: { DATABASE_URL: 'not a url' } });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^steering: invalid configuration:\n {2}- DATABASE_URL: Invalid URL/);
});
