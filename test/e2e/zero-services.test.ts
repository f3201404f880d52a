// `steering serve` on a machine with no services: no DATABASE_URL (the embedded database), no
// REDIS_URL (in-process queues), PostgreSQL's default port pointed at a closed one, no GitHub. The
// CLI beside it (in this process; `token` spawned) talks to it through its API (the server owns the
// embedded database).
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cli as runCli } from '../support/run-cli.js';

const dataDir = mkdtempSync(join(tmpdir(), 'steering-zero-'));
const env: Record<string, string | undefined> = {
  ...process.env,
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
  'GITHUB_PRIVATE_KEY',
  'GITHUB_PRIVATE_KEY_PATH',
  'GITHUB_WEBHOOK_SECRET',
  'STEERING_URL',
  'STEERING_TOKEN',
])
  delete env[k];

let server: ChildProcess;
let log = '';
let base = '';

/** Resolves when the server's log has a line matching `re` (on its output events, no clock). */
function logged(re: RegExp): Promise<void> {
  if (re.test(log)) return Promise.resolve();
  return new Promise((resolve) => {
    const check = () => {
      if (!re.test(log)) return;
      server.stdout!.off('data', check);
      resolve();
    };
    server.stdout!.on('data', check);
  });
}

/** `token` writes to the process's own streams: it runs as a process of its own. */
const spawnCli = (...args: string[]) =>
  spawnSync(process.execPath, ['bin/steering.js', ...args], { env, encoding: 'utf8' });
/** Every other command runs in-process (runCli), beside the spawned server. */
const cli = async (...args: string[]) => {
  const r = await runCli(args, { env });
  return { status: r.code, stdout: r.stdout, stderr: r.stderr };
};

before(async () => {
  server = spawn(process.execPath, ['bin/steering.js', 'serve'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Wait for the line that says the CLI can find it (an event, not a clock).
  await new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      log += d.toString();
      const m = /"url":"(http:\/\/[^"]+)".*steering is listening/.exec(log);
      if (m) base = m[1]!;
      if (base && /CLI commands on this machine talk to this server/.test(log)) resolve();
    };
    server.stdout!.on('data', onData);
    server.stderr!.on('data', onData);
    server.once('exit', (code) => reject(new Error(`serve exited ${code}\n${log}`)));
  });
});

after(async () => {
  if (server.exitCode === null) {
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

describe('zero services: serve, and the CLI beside it', () => {
  it('says how it runs: embedded database, in-process queues, GitHub not configured', () => {
    assert.match(log, /using the embedded database/);
    assert.match(log, /queues: in-process because REDIS_URL is not set/);
    assert.match(log, /GitHub: not configured: .*set GITHUB_APP_ID .* or GITHUB_TOKEN/);
    const file = join(dataDir, 'server.json');
    assert.equal(statSync(file).mode & 0o777, 0o600, 'the token file is readable by its user only');
  });

  it('token create | list | revoke go through the API; expiry; publish implies read', async () => {
    const created = spawnCli(
      'token',
      'create',
      '--name',
      'ci',
      '--scopes',
      'publish',
      '--expires-in',
      '30',
    );
    assert.equal(created.status, 0, created.stderr);
    assert.match(created.stderr, /created token "ci" with scopes publish, expiring 20\d\d-/);
    const token = created.stdout.trim();
    assert.match(token, /^stg_/);

    const listed = spawnCli('token', 'list');
    assert.equal(listed.status, 0, listed.stderr);
    assert.match(listed.stdout, /^ci\s+stg_.*publish.*live until 20\d\d-/m);
    assert.match(listed.stdout, /^local-cli@\S+\s+.*admin/m);

    const read = await fetch(`${base}/v1/guidelines`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(read.status, 200, 'a publish token can read');

    const revoked = spawnCli('token', 'revoke', 'ci');
    assert.equal(revoked.status, 0, revoked.stderr);
    // The server trusts a looked-up token for a few seconds; ask until it answers 401.
    for (;;) {
      const res = await fetch(`${base}/v1/guidelines`, {
        headers: { authorization: `Bearer ${token}` },
      });
      if (res.status === 401) break;
      assert.equal(res.status, 200);
      await new Promise((r) => setTimeout(r, 200));
    }
  });

  it('publish goes through the server; without GitHub no empty rollout is stored', async () => {
    const pub = await cli('publish', 'guidelines/performance.md');
    assert.equal(pub.status, 0, pub.stderr);
    assert.match(pub.stderr, /published through the server at http:\/\/127\.0\.0\.1:/);
    assert.match(pub.stdout, /performance: stored 1\.0\.0/);
    const list = await cli('rollout', 'list');
    assert.equal(list.status, 0, list.stderr);
    assert.equal(list.stdout.trim(), '', 'no rollout without any target repository');
    await logged(/no repository would receive this version: no rollout/);
  });

  it('rollout promote and reconcile go through the server (it holds the in-process queue)', async () => {
    const reconcile = await cli('rollout', 'reconcile');
    assert.equal(reconcile.status, 0, reconcile.stderr);
    assert.match(reconcile.stdout, /^0 queued target\(s\) ensured in the queue/);
    const promote = await cli('rollout', 'promote', '99');
    assert.equal(promote.status, 1);
    assert.match(promote.stderr, /http:\/\/127\.0\.0\.1:\d+: no rollout 99/);
  });

  it('repos list goes through the server', async () => {
    const list = await cli('repos', 'list', '--json');
    assert.equal(list.status, 0, list.stderr);
    assert.deepEqual(JSON.parse(list.stdout), [], 'no repository without GitHub');
  });

  it('repos sync names the variables to set', async () => {
    const sync = await cli('repos', 'sync');
    assert.equal(sync.status, 1);
    assert.match(sync.stderr, /GitHub is not configured.*GITHUB_APP_ID.*GITHUB_TOKEN/);
  });

  it('stops on SIGTERM, revokes its CLI token and removes the file', async () => {
    const exited = new Promise<number | null>((r) => server.once('exit', r));
    server.kill('SIGTERM');
    assert.equal(await exited, 0, log);
    assert.equal(existsSync(join(dataDir, 'server.json')), false);
    const listed = spawnCli('token', 'list');
    assert.equal(listed.status, 0, listed.stderr);
    assert.match(listed.stdout, /^local-cli@\S+\s+.*revoked/m);
  });
});

it('repos sync without a server and without credentials: the variables, at once, no retries', () => {
  const dir = mkdtempSync(join(tmpdir(), 'steering-zero-sync-'));
  try {
    const r = spawnSync(process.execPath, ['bin/steering.js', 'repos', 'sync'], {
      env: { ...env, STEERING_DATA_DIR: dir },
      encoding: 'utf8',
    });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /GitHub is not configured: set GITHUB_APP_ID .* or GITHUB_TOKEN/);
    assert.doesNotMatch(r.stderr, /ENOTFOUND|retry/i);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
