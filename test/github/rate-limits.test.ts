import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SteeringError } from '../../src/errors.js';
import { createManualClock, createScaledClock } from '../../src/github/index.js';
import { startPort } from './start-port.js';

// 1 simulated second = 10 ms real, shared by the simulator and the port, so a `retry-after: 1`
// or a one-minute window passes quickly while both sides still speak GitHub's units.
const scaled = () => createScaledClock({ factor: 100 });

describe('rate limits', () => {
  it('honours retry-after on a secondary rate limit and then succeeds', async () => {
    const clock = scaled();
    const { simulator, repos } = await startPort({ clock }, { clock });
    try {
      simulator.addRepo({ owner: 'acme', name: 'sec' });
      simulator.inject({
        kind: 'secondary-limit',
        retryAfterSeconds: 1,
        method: 'POST',
        path: '/git/trees',
      });
      const tree = await repos.createTree('acme', 'sec', {
        files: [{ path: 'a.md', content: 'a' }],
      });
      assert.match(tree, /^[0-9a-f]{40}$/);
      assert.equal(simulator.count({ method: 'POST', path: '/git/trees', status: 403 }), 1);
      assert.equal(simulator.count({ method: 'POST', path: '/git/trees', status: 201 }), 1);
      const times = simulator.requests
        .filter((r) => r.path.endsWith('/git/trees'))
        .map((r) => r.at);
      assert.ok(
        (times[1] as number) - (times[0] as number) >= 1000,
        'waited the retry-after (simulated time)',
      );
    } finally {
      await simulator.close();
    }
  });

  it('throws RATE_LIMITED with retryAfterSeconds when the wait exceeds the in-process maximum', async () => {
    const { simulator, repos } = await startPort({}, { maxRateLimitWaitMs: 5_000 });
    try {
      simulator.addRepo({ owner: 'acme', name: 'long' });
      simulator.inject({
        kind: 'secondary-limit',
        retryAfterSeconds: 120,
        path: '/repos/acme/long',
      });
      await assert.rejects(repos.getRepository('acme', 'long'), (err: SteeringError) => {
        const details = err.details as { retryAfterSeconds?: number };
        return err.code === 'RATE_LIMITED' && err.transient && details.retryAfterSeconds === 120;
      });
      assert.equal(simulator.count({ path: '/repos/acme/long' }), 1);
    } finally {
      await simulator.close();
    }
  });

  it('waits for x-ratelimit-reset when the primary limit is spent', async () => {
    // Time moves only when the port waits: the three allowed requests always fall in one window.
    const clock = createManualClock();
    const { simulator, repos } = await startPort(
      { clock, rateLimits: { primaryPerHour: 3 } },
      { clock, maxRateLimitWaitMs: 2 * 3_600_000 },
    );
    try {
      simulator.addRepo({ owner: 'acme', name: 'primary' });
      for (let i = 0; i < 4; i++) await repos.getRepository('acme', 'primary');
      const statuses = simulator.requests.map((r) => r.status);
      assert.deepEqual(statuses, [200, 200, 200, 403, 200]);
      const [, , , limited, retried] = simulator.requests;
      assert.ok(
        (retried?.at ?? 0) - (limited?.at ?? 0) > 30 * 60_000,
        'slept until the hourly window reset',
      );
    } finally {
      await simulator.close();
    }
  });

  it('backs off exponentially from the base delay when GitHub gives no hint (429)', async () => {
    const clock = scaled();
    const { simulator, repos } = await startPort(
      { clock },
      { clock, rateLimitBaseDelayMs: 60_000 },
    );
    try {
      simulator.addRepo({ owner: 'acme', name: 'bare' });
      simulator.inject({
        kind: 'status',
        status: 429,
        path: '/repos/acme/bare',
        times: 2,
      });
      assert.equal((await repos.getRepository('acme', 'bare')).name, 'bare');
      const at = simulator.requests.filter((r) => r.path === '/repos/acme/bare').map((r) => r.at);
      assert.equal(at.length, 3);
      assert.ok((at[1] as number) - (at[0] as number) >= 60_000);
      assert.ok((at[2] as number) - (at[1] as number) >= 120_000);
    } finally {
      await simulator.close();
    }
  });

  it('the simulator enforces content-creating requests per minute with retry-after', async () => {
    const clock = scaled();
    const { simulator, repos } = await startPort(
      { clock, rateLimits: { writesPerMinute: 2 } },
      { clock },
    );
    try {
      simulator.addRepo({ owner: 'acme', name: 'budget' });
      for (let i = 0; i < 3; i++)
        await repos.createTree('acme', 'budget', { files: [{ path: `f${i}.md`, content: 'x' }] });
      const limited = simulator.requests.filter((r) => r.status === 403);
      assert.equal(
        limited.length,
        1,
        'the third write within a minute was refused once, then retried',
      );
      assert.equal(simulator.count({ method: 'POST', status: 201 }), 3);
    } finally {
      await simulator.close();
    }
  });
});
