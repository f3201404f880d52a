/**
 * The GitHub write limiter, shared by every worker process through Redis. Per installation it
 * keeps GitHub's content-creation guidance: at least `writeIntervalMs` between content-creating
 * requests, at most `writesPerMinute` in any 60 s window and `writesPerHour` in any hour.
 *
 * `acquire` reserves the earliest slot that keeps all three limits (atomically, one Lua script),
 * then sleeps until that slot. Reservations are never handed back: a write that fails after its
 * slot still counted, which is also how GitHub counts it.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { realClock, sleepUntil, type Clock } from './clock.js';

// KEYS: last-slot key, minute zset, hour zset.
// ARGV: now, interval, perMinute, perHour, member. Returns the reserved slot time.
const RESERVE = `
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local perMinute = tonumber(ARGV[3])
local perHour = tonumber(ARGV[4])
local t = now
local last = tonumber(redis.call('GET', KEYS[1]) or '-1')
if last >= 0 and last + interval > t then t = last + interval end
local function bound(key, window, limit)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local n = redis.call('ZCARD', key)
  if n >= limit then
    local s = redis.call('ZRANGE', key, n - limit, n - limit, 'WITHSCORES')
    local earliest = tonumber(s[2]) + window
    if earliest > t then t = earliest end
  end
end
bound(KEYS[2], 60000, perMinute)
bound(KEYS[3], 3600000, perHour)
if last > t then t = last end
redis.call('SET', KEYS[1], t, 'PX', 3600000 + interval + (t - now))
redis.call('ZADD', KEYS[2], t, ARGV[5])
redis.call('ZADD', KEYS[3], t, ARGV[5])
redis.call('PEXPIRE', KEYS[2], 60000 + (t - now) + 1000)
redis.call('PEXPIRE', KEYS[3], 3600000 + (t - now) + 1000)
return tostring(t)
`;

export interface WriteLimits {
  /** Minimum gap between two content-creating requests, ms. Config default 1000. */
  writeIntervalMs: number;
  /** Config default 80. */
  writesPerMinute: number;
  /** Config default 500. */
  writesPerHour: number;
}

export interface WriteLimiterOptions extends WriteLimits {
  redis: Redis;
  /** Key prefix, e.g. `steering` → `steering:github-writes:<installation>:*`. */
  prefix: string;
  /** Default: the real clock. A scaled clock makes every limit pass faster in real time. */
  clock?: Clock;
}

export interface WriteLimiter {
  /** Waits for this installation's next write slot; resolves to the (simulated) ms it waited. */
  acquire(installationKey: string): Promise<number>;
}

type WithReserve = Redis & {
  steeringReserveWrite(k1: string, k2: string, k3: string, ...args: string[]): Promise<string>;
};

export function createWriteLimiter(options: WriteLimiterOptions): WriteLimiter {
  const { redis, prefix, writeIntervalMs, writesPerMinute, writesPerHour } = options;
  const clock = options.clock ?? realClock;
  const client = redis as WithReserve;
  if (typeof client.steeringReserveWrite !== 'function') {
    redis.defineCommand('steeringReserveWrite', { numberOfKeys: 3, lua: RESERVE });
  }
  return {
    async acquire(installationKey) {
      const base = `${prefix}:github-writes:${installationKey}`;
      const now = Math.floor(clock.now());
      const slot = Number(
        await client.steeringReserveWrite(
          `${base}:last`,
          `${base}:minute`,
          `${base}:hour`,
          String(now),
          String(writeIntervalMs),
          String(writesPerMinute),
          String(writesPerHour),
          randomUUID(),
        ),
      );
      return sleepUntil(clock, slot, now);
    },
  };
}
