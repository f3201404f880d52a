// The in-process write limiter (no REDIS_URL) reserves the same slots as the Redis one for the
// same calls: the cases of write-limiter.test.ts, on one process's memory.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMemoryWriteLimiter } from '../../src/github/index.js';
import { frozenClock as frozen, heldClock, steppingClock } from '../support/test-clocks.js';

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
  it('counts a write until its answer arrived: one reserved before that answer waits for it', async () => {
    const clock = heldClock(9_000_000);
    const limits = { writeIntervalMs: 0, writesPerMinute: 1, writesPerHour: 100 };
    const limiter = createMemoryWriteLimiter({ clock, ...limits });
    const first = await limiter.acquireWrite('installation-answered');
    let waited: number | undefined;
    const second = limiter
      .acquireWrite('installation-answered')
      .then((slot) => (waited = slot.waitedMs));
    await clock.advanceTo(9_010_000); // the first write's answer arrives 10 s after it was sent
    await first.answered();
    await clock.advanceTo(9_060_000); // its slot, a minute after the first was sent
    assert.equal(waited, undefined, 'GitHub may have counted the first write up to 10 s late');
    await clock.advanceTo(9_070_000); // a minute after the first write's answer
    await second;
    assert.equal(waited, 70_000);
  });
});
