// The built CLI (dist/bundle, what `bin/steering.js` runs after `npm run build` or `npm ci`) gives
// the same answers as the sources. `npm ci` builds through the `prepare` script, so CI always has
// dist/; a checkout that never built skips with the command to run.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

describe(
  'the built server',
  { skip: built ? false : 'dist/ is missing: run `npm run build`' },
  () => {
    it('serves with no services and takes a publish from the built CLI (compile worker included)', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'steering-built-'));
      const env: Record<string, string | undefined> = {
        ...process.env,
        STEERING_FROM_SOURCE: '',
        STEERING_DATA_DIR: dataDir,
        PORT: '0',
        PGPORT: '1',
        LOG_LEVEL: 'info',
      };
      for (const k of [
        'DATABASE_URL',
        'REDIS_URL',
        'GITHUB_TOKEN',
        'GITHUB_APP_ID',
        'STEERING_URL',
      ])
        delete env[k];
      const server = spawn(process.execPath, ['bin/steering.js', 'serve'], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let log = '';
      try {
        await new Promise<void>((resolve, reject) => {
          const onData = (d: Buffer) => {
            log += d.toString();
            if (/CLI commands on this machine talk to this server/.test(log)) resolve();
          };
          server.stdout.on('data', onData);
          server.stderr.on('data', onData);
          server.once('exit', (code) => reject(new Error(`serve exited ${code}\n${log}`)));
        });
        const pub = spawnSync(
          process.execPath,
          ['bin/steering.js', 'publish', 'guidelines/performance.md'],
          {
            env,
            encoding: 'utf8',
          },
        );
        assert.equal(pub.status, 0, pub.stderr);
        assert.match(pub.stdout, /performance: stored 1\.0\.0/);
      } finally {
        const exited = new Promise((r) => server.once('exit', r));
        server.kill('SIGTERM');
        await exited;
        rmSync(dataDir, { recursive: true, force: true });
      }
      assert.doesNotMatch(log, /"level":50/, 'no error logs');
    });
  },
);
