// End to end through the `steering` CLI (embedded database, the simulator, a private Redis
// prefix): repos sync, publish --dry-run --plan, publish (creates and enqueues the rollout),
// worker (runs it, as a process of its own: it stops on SIGTERM), rollout status. The other
// commands run in-process (runCli).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { startSimulator } from '../../src/github/index.js';
import { deletePrefixKeys } from '../../src/jobs/index.js';
import { cli } from '../support/run-cli.js';
import { REDIS_URL } from './harness.js';

function spawnCli(args: string[], env: Record<string, string>, opts: { until?: RegExp } = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['bin/steering.js', ...args], {
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    let stopped = false;
    const check = () => {
      if (!stopped && opts.until?.test(stdout + stderr)) {
        stopped = true;
        child.kill('SIGTERM');
      }
    };
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      check();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      check();
    });
    // A hang guard only (as the runner's --test-timeout): on a busy machine a command that opens
    // the embedded database can take well over a minute, and that must not fail the test.
    const timer = setTimeout(() => child.kill('SIGKILL'), 600_000);
    child.on('close', () => clearTimeout(timer));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('steering repos / publish / worker / rollout (CLI)', () => {
  it('syncs, plans, publishes, distributes and reports', async () => {
    const sim = await startSimulator();
    const dir = mkdtempSync(join(tmpdir(), 'steering-cli-rollout-'));
    const prefix = `steering-test-${randomBytes(5).toString('hex')}`;
    const redis = new Redis(REDIS_URL);
    try {
      const installationId = sim.addInstallation('acme');
      sim.addToken('ghs_cli', { login: 'steering[bot]', installationId });
      for (const name of ['api', 'web', 'jobs'])
        sim.addRepo({ owner: 'acme', name, topics: name === 'api' ? ['steering-canary'] : [] });
      sim.addRepo({ owner: 'acme', name: 'attic', archived: true });
      const env = {
        STEERING_DATA_DIR: dir,
        GITHUB_API_URL: sim.url,
        GITHUB_TOKEN: 'ghs_cli',
        REDIS_URL,
        STEERING_QUEUE_PREFIX: prefix,
        STEERING_WRITE_INTERVAL_MS: '0',
        LOG_LEVEL: 'info',
      };
      const run = (args: string[]) => cli(args, { env: { ...process.env, ...env } });
      const sync = await run(['repos', 'sync']);
      assert.equal(sync.code, 0, sync.stderr);
      assert.match(sync.stdout, /4 repositories in 1 installation\(s\): 3 eligible/);
      assert.match(sync.stdout, /skipped acme\/attic: archived/);

      const plan = await run(['publish', '--dry-run', '--plan', 'guidelines/performance.md']);
      assert.equal(plan.code, 0, plan.stderr);
      assert.match(
        plan.stdout,
        /plan for performance 1\.0\.0: 3 repositories: 3 would get a pull request/,
      );
      assert.match(plan.stdout, /acme\/api \(canary\)/);
      assert.equal(sim.count({ write: true }), 0, 'a dry run writes nothing to GitHub');

      const pub = await run(['publish', 'guidelines/performance.md']);
      assert.equal(pub.code, 0, pub.stderr);
      assert.match(pub.stdout, /rollout 1: 3 repositories, 1 enqueued/);

      // The worker runs until the last target finished (then it is stopped with SIGTERM).
      const worker = await spawnCli(['worker', '--reconcile-every', '0'], env, {
        until: /"state":"opened"[\s\S]*"state":"opened"[\s\S]*"state":"opened"/,
      });
      // `worker` shares serve's bounded shutdown: it logs the signal, then that it stopped.
      assert.match(worker.stdout, /"reason":"SIGTERM","msg":"shutting down"[\s\S]*"msg":"stopped"/);
      const status = await run(['rollout', 'status', '1']);
      assert.equal(status.code, 0, status.stderr);
      assert.match(status.stdout, /completed .* 3\/3 \(opened 3\)/);
      assert.match(status.stdout, /acme\/api\s+0\s+opened\s+#1/);
      for (const name of ['api', 'web', 'jobs'])
        assert.equal(sim.listPulls('acme', name).length, 1);
    } finally {
      await deletePrefixKeys(redis, prefix);
      redis.disconnect();
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
