// The in-process write limiter (no REDIS_URL) reserves the same slots as the Redis one for the
// same calls: the cases of write-limiter.test.ts, on one process's memory.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMemoryWriteLimiter } from '../../src/github/index.js';
import { frozenClock as frozen, steppingClock } from '../support/test-clocks.js';
import { windowEdgeCases } from './write-limiter-cases.js';

describe('write limiter (in-process)', () => {
  it('hands concurrent callers distinct slots, interval apart, within the minute budget', async () => {
    const limiter = createMemoryWriteLimiter({
      clock: frozen,
      writeIntervalMs: 1000,
      writesPerMinute: 5,
      writesPerHour: 500,
    });
    const waits = await Promise.all(
      Array.from({ length: 8 }, () => limiter.acquire('installation-1')),
    );
    assert.deepEqual(
      waits.sort((x, y) => x - y),
      [0, 1000, 2000, 3000, 4000, 60_000, 61_000, 62_000],
    );
  });

  it('keeps installations apart', async () => {
    const limiter = createMemoryWriteLimiter({
      clock: frozen,
      writeIntervalMs: 1000,
      writesPerMinute: 80,
      writesPerHour: 500,
    });
    assert.equal(await limiter.acquire('installation-2'), 0);
    assert.equal(await limiter.acquire('installation-3'), 0);
    assert.equal(await limiter.acquire('installation-2'), 1000);
  });

  it('enforces the hourly budget as time passes', async () => {
    const clock = steppingClock();
    const limiter = createMemoryWriteLimiter({
      clock,
      writeIntervalMs: 0,
      writesPerMinute: 100,
      writesPerHour: 3,
    });
    const start = clock.now();
    const at: number[] = [];
    for (let i = 0; i < 7; i++) {
      await limiter.acquire('installation-4');
      at.push(clock.now() - start);
    }
    assert.deepEqual(at, [0, 0, 0, 3_600_000, 3_600_000, 3_600_000, 7_200_000]);
  });
  windowEdgeCases((clock, limits) => createMemoryWriteLimiter({ clock, ...limits }));
});
