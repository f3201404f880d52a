import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import {
  createGitHubPort,
  createScaledClock,
  createWriteLimiter,
  startSimulator,
  type Simulator,
} from '../../src/github/index.js';
import { TOKEN, githubConfig } from './start-port.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('two workers sharing the Redis write limiter', () => {
  const prefix = `steering-test-${randomUUID()}`;
  // 1 simulated minute = 2 s real; every party reads the same simulated time. (At higher factors a
  // few ms of real latency become seconds of simulated time and blur GitHub's windows.)
  const clock = createScaledClock({ factor: 30 });
  let simulator: Simulator;
  let redisA: Redis;
  let redisB: Redis;

  before(async () => {
    simulator = await startSimulator({
      clock,
      rateLimits: { writesPerMinute: 5, writesPerHour: 500 },
    });
    simulator.addToken(TOKEN, { login: 'steering-bot' });
    simulator.addRepo({ owner: 'acme', name: 'shared' });
    redisA = new Redis(REDIS_URL);
    redisB = new Redis(REDIS_URL);
  });
  after(async () => {
    await simulator.close();
    const keys = await redisA.keys(`${prefix}:*`);
    if (keys.length) await redisA.del(...keys);
    redisA.disconnect();
    redisB.disconnect();
  });

  it('never trips the secondary content-creation limit', async () => {
    // The budget sits below GitHub's 5/min: on a scaled clock a few ms of real latency are seconds
    // of simulated time, and the margin keeps a late first write from sharing a window with a sixth.
    const limits = { writeIntervalMs: 1000, writesPerMinute: 3, writesPerHour: 500 };
    const ports = [redisA, redisB].map((redis) =>
      createGitHubPort(githubConfig(simulator.url, { kind: 'token', token: TOKEN }), {
        clock,
        writeLimiter: createWriteLimiter({ redis, prefix, clock, ...limits }),
        maxRateLimitRetries: 0,
        retryBaseDelayMs: 5,
      }).forInstallation(0),
    );
    // Warm both clients (connections, Octokit hooks) so the first write is not late.
    await Promise.all(ports.map((p) => p?.getBranchHead('acme', 'shared', 'main')));
    await Promise.all(
      Array.from({ length: 7 }, (_, i) =>
        ports[i % 2]!.createTree('acme', 'shared', {
          files: [{ path: `f${i}.md`, content: String(i) }],
        }),
      ),
    );
    assert.equal(simulator.count({ status: 403 }), 0);
    assert.equal(simulator.count({ method: 'POST', status: 201 }), 7);
  });

  it('without the limiter the same burst is refused (control)', async () => {
    simulator.resetRequests();
    const port = createGitHubPort(githubConfig(simulator.url, { kind: 'token', token: TOKEN }), {
      clock,
      maxRateLimitRetries: 0,
    }).forInstallation(0);
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        port.createTree('acme', 'shared', { files: [{ path: `g${i}.md`, content: String(i) }] }),
      ),
    );
    assert.ok(results.some((r) => r.status === 'rejected'));
    assert.ok(simulator.count({ status: 403 }) > 0);
  });
});
