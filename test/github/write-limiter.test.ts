import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { createWriteLimiter } from '../../src/github/index.js';
import { frozenClock as frozen, steppingClock } from '../support/test-clocks.js';
import { windowEdgeCases } from './write-limiter-cases.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('write limiter (real Redis)', () => {
  const prefix = `steering-test-${randomUUID()}`;
  let a: Redis;
  let b: Redis;

  before(() => {
    a = new Redis(REDIS_URL);
    b = new Redis(REDIS_URL);
  });
  after(async () => {
    const keys = await a.keys(`${prefix}:*`);
    if (keys.length) await a.del(...keys);
    a.disconnect();
    b.disconnect();
  });

  it('hands concurrent callers in two processes distinct slots, interval apart, within the minute budget', async () => {
    const limits = { writeIntervalMs: 1000, writesPerMinute: 5, writesPerHour: 500 };
    const one = createWriteLimiter({ redis: a, prefix, clock: frozen, ...limits });
    const two = createWriteLimiter({ redis: b, prefix, clock: frozen, ...limits });
    const waits = await Promise.all(
      Array.from({ length: 8 }, (_, i) => (i % 2 ? one : two).acquire('installation-1')),
    );
    assert.deepEqual(
      waits.sort((x, y) => x - y),
      [0, 1000, 2000, 3000, 4000, 60_000, 61_000, 62_000],
    );
  });

  it('keeps installations apart', async () => {
    const limits = { writeIntervalMs: 1000, writesPerMinute: 80, writesPerHour: 500 };
    const one = createWriteLimiter({ redis: a, prefix, clock: frozen, ...limits });
    assert.equal(await one.acquire('installation-2'), 0);
    assert.equal(await one.acquire('installation-3'), 0);
    assert.equal(await one.acquire('installation-2'), 1000);
  });

  it('enforces the hourly budget across instances as time passes', async () => {
    const clock = steppingClock();
    const limits = { writeIntervalMs: 0, writesPerMinute: 100, writesPerHour: 3 };
    const one = createWriteLimiter({ redis: a, prefix, clock, ...limits });
    const two = createWriteLimiter({ redis: b, prefix, clock, ...limits });
    const start = clock.now();
    const at: number[] = [];
    for (let i = 0; i < 7; i++) {
      await (i % 2 ? one : two).acquire('installation-4');
      at.push(clock.now() - start);
    }
    assert.deepEqual(at, [0, 0, 0, 3_600_000, 3_600_000, 3_600_000, 7_200_000]);
  });

  it('uses the configured key prefix', async () => {
    const one = createWriteLimiter({
      redis: a,
      prefix,
      clock: frozen,
      writeIntervalMs: 1,
      writesPerMinute: 9,
      writesPerHour: 9,
    });
    await one.acquire('installation-5');
    const keys = await a.keys(`${prefix}:github-writes:installation-5:*`);
    assert.equal(keys.length, 3);
  });
  windowEdgeCases((clock, limits) => createWriteLimiter({ redis: a, prefix, clock, ...limits }));
});
