// The built CLI (dist/bundle, what `bin/steering.js` runs after `npm run build` or `npm ci`) gives
// the same answers as the sources. `npm ci` builds through the `prepare` script, so CI always has
// dist/; a checkout that never built skips with the command to run.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';

const built = existsSync('dist/bundle/main.js');
const run = (fromSource: boolean, ...args: string[]) =>
  spawnSync(process.execPath, ['bin/steering.js', ...args], {
    encoding: 'utf8',
    env: { ...process.env, STEERING_FROM_SOURCE: fromSource ? '1' : '' },
  });

describe('the built CLI', { skip: built ? false : 'dist/ is missing: run `npm run build`' }, () => {
  it('--version and rules --json answer as the sources do', () => {
    assert.equal(run(false, '--version').stdout, run(true, '--version').stdout);
    const a = run(false, 'rules', 'guidelines/performance.md', '--json');
    const b = run(true, 'rules', 'guidelines/performance.md', '--json');
    assert.equal(a.status, 0, a.stderr);
    assert.equal(JSON.parse(a.stdout).rules.length, JSON.parse(b.stdout).rules.length);
    assert.deepEqual(JSON.parse(a.stdout), JSON.parse(b.stdout));
  });

  it('help lists every command; an unknown command is a usage error', () => {
    const help = run(false, '--help');
    for (const c of ['rules', 'serve', 'worker', 'publish', 'token', 'rollout', 'demo'])
      assert.match(help.stdout, new RegExp(`^  ${c}\\b`, 'm'));
    const bad = run(false, 'frobnicate');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /unknown command 'frobnicate'/);
  });
});
