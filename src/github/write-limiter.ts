/**
 * The GitHub write limiter, shared by every worker process through Redis. Per installation it
 * keeps GitHub's content-creation guidance: at least `writeIntervalMs` between content-creating
 * requests, at most `writesPerMinute` in any 60 s window and `writesPerHour` in any hour, and of
 * these at most `notificationsPerMinute` notifying ones (new pull requests, comments:
 * `classify-request.ts`) in any 60 s window.
 *
 * `acquire` reserves the earliest slot that keeps all three limits (atomically, one Lua script),
 * then sleeps until that slot. Reservations are never handed back: a write that fails after its
 * slot still counted, which is also how GitHub counts it.
 *
 * GitHub counts a write when it receives it, some time between when it was sent and when its
 * answer arrived, so the windows are kept on upper bounds of those times, not on slots, and the
 * exact limits hold at the windows' edges without a safety margin:
 * - when the slot comes, the write is confirmed (CONFIRM): its time becomes the moment it is sent,
 *   and it waits again if the other writes sent or answered within a window already fill it (a
 *   write reserved before an earlier one was answered);
 * - `acquireWrite(…).sent()` moves it to when it is sent, when that is later than its slot (it
 *   waited for a place among the requests in flight), and `answered()` to when its answer
 *   arrived (SETTLE). A time only moves forward; a write confirmed since counted this one at its
 *   earlier time, so each window the moved write now falls in was checked with it inside.
 * A write still unanswered counts at the time it was sent; GitHub cannot count it earlier.
 *
 * A notifying write first reserves its place in the notification window (RESERVE_NOTIFY) and
 * sleeps until then without holding a write slot, so the other writes go on meanwhile; then it
 * reserves a write slot no earlier, and CONFIRM and SETTLE keep its time in the notification
 * window as in the others.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { realClock, sleepUntil, type Clock } from './clock.js';

// KEYS: last-slot key, minute zset, hour zset, notification zset.
// ARGV: now, interval, perMinute, perHour, member, not before, notifying ('1' or '0').
// Returns the reserved slot time; a notifying write's time in the notification zset moves to it.
const RESERVE = `
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local perMinute = tonumber(ARGV[3])
local perHour = tonumber(ARGV[4])
local t = now
local notBefore = tonumber(ARGV[6])
if notBefore > t then t = notBefore end
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
if ARGV[7] == '1' then redis.call('ZADD', KEYS[4], 'XX', 'GT', t, ARGV[5]) end
return tostring(t)
`;

// KEYS: notification zset. ARGV: now, perMinute, member.
// Reserves the earliest time, no earlier than the notifications already reserved, at which fewer
// than perMinute notifying writes fall in the minute before it. Returns that time.
const RESERVE_NOTIFY = `
local now = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - 60000)
local t = now
local n = redis.call('ZCARD', KEYS[1])
if n > 0 then
  local top = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  if tonumber(top[2]) > t then t = tonumber(top[2]) end
end
if n >= limit then
  local s = redis.call('ZRANGE', KEYS[1], n - limit, n - limit, 'WITHSCORES')
  local earliest = tonumber(s[2]) + 60000
  if earliest > t then t = earliest end
end
redis.call('ZADD', KEYS[1], t, ARGV[3])
redis.call('PEXPIRE', KEYS[1], 60000 + (t - now) + 1000)
return tostring(t)
`;

// KEYS: minute zset, hour zset, notification zset. ARGV: at, member, perMinute, perHour,
// notifications per minute (0: this write does not notify, the notification window is not its).
// Counts the other writes timed within each window ending at `at`; when one is full returns the
// time at which it no longer is, else moves the member to `at` and returns 0.
const CONFIRM = `
local at = tonumber(ARGV[1])
local member = ARGV[2]
local wait = 0
local function check(key, window, limit)
  local lo = '(' .. tostring(at - window)
  local n = redis.call('ZCOUNT', key, lo, at)
  local own = tonumber(redis.call('ZSCORE', key, member) or '-1')
  if own > at - window and own <= at then n = n - 1 end
  if n < limit then return end
  local s = redis.call('ZRANGEBYSCORE', key, lo, at, 'WITHSCORES', 'LIMIT', 0, n - limit + 2)
  local k = 0
  for i = 1, #s, 2 do
    if s[i] ~= member then
      k = k + 1
      if k == n - limit + 1 then
        local t = tonumber(s[i + 1]) + window
        if t > wait then wait = t end
        return
      end
    end
  end
end
check(KEYS[1], 60000, tonumber(ARGV[3]))
check(KEYS[2], 3600000, tonumber(ARGV[4]))
if tonumber(ARGV[5]) > 0 then check(KEYS[3], 60000, tonumber(ARGV[5])) end
if wait > 0 then return tostring(wait) end
redis.call('ZADD', KEYS[1], 'XX', 'GT', at, member)
redis.call('ZADD', KEYS[2], 'XX', 'GT', at, member)
redis.call('ZADD', KEYS[3], 'XX', 'GT', at, member)
return '0'
`;

// KEYS: minute zset, hour zset, notification zset. ARGV: answered at, member.
const SETTLE = `
redis.call('ZADD', KEYS[1], 'XX', 'GT', ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], 'XX', 'GT', ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[3], 'XX', 'GT', ARGV[1], ARGV[2])
return 1
`;

export interface WriteLimits {
  /** Minimum gap between two content-creating requests, ms. Config default 1000. */
  writeIntervalMs: number;
  /** Config default 80. */
  writesPerMinute: number;
  /** Config default 500. */
  writesPerHour: number;
  /**
   * Notifying writes (new pull requests, comments) in any minute, counted within the others.
   * Default 20 (`DEFAULT_NOTIFICATIONS_PER_MINUTE`; GitHub publishes no figure for them).
   */
  notificationsPerMinute?: number;
}

/** GitHub limits notifying requests more strictly than others without a figure; Octokit's pace. */
export const DEFAULT_NOTIFICATIONS_PER_MINUTE = 20;

/** What a write is, for the limiter: `notifying` ones also count in the notification window. */
export interface WriteOptions {
  notifying?: boolean;
}

export interface WriteLimiterOptions extends WriteLimits {
  redis: Redis;
  /** Key prefix, e.g. `steering` → `steering:github-writes:<installation>:*`. */
  prefix: string;
  /** Default: the real clock. A scaled clock makes every limit pass faster in real time. */
  clock?: Clock;
}

/** A write allowed to go now. */
export interface WriteSlot {
  /** The (simulated) ms waited for it. */
  waitedMs: number;
  /**
   * Call when it is sent later than its slot (it waited for something else after it): the windows
   * count it from then.
   */
  sent(): Promise<void>;
  /** Call when its answer (or failure) arrived: the windows count it until then. */
  answered(): Promise<void>;
}

export interface WriteLimiter {
  /** Waits for this installation's next write slot; resolves to the (simulated) ms it waited. */
  acquire(installationKey: string, write?: WriteOptions): Promise<number>;
  /** `acquire`, and a handle to say when the write's answer arrived. */
  acquireWrite(installationKey: string, write?: WriteOptions): Promise<WriteSlot>;
}

type WithReserve = Redis & {
  steeringReserveWrite(
    k1: string,
    k2: string,
    k3: string,
    k4: string,
    ...args: string[]
  ): Promise<string>;
  steeringReserveNotify(k1: string, ...args: string[]): Promise<string>;
  steeringConfirmWrite(k1: string, k2: string, k3: string, ...args: string[]): Promise<string>;
  steeringSettleWrite(k1: string, k2: string, k3: string, ...args: string[]): Promise<number>;
};

/**
 * Sleeps until `slot`, then asks `confirm(at)` until it answers 0, sleeping until each time it
 * names. `at` only moves forward, so a clock that does not move (a test's) cannot loop forever.
 */
export async function waitForConfirmedSlot(
  clock: Clock,
  slot: number,
  from: number,
  confirm: (at: number) => Promise<number>,
): Promise<number> {
  let at = slot;
  for (;;) {
    await sleepUntil(clock, at, from);
    at = Math.max(at, Math.floor(clock.now()));
    const until = await confirm(at);
    if (until <= at) return Math.max(0, at - from);
    at = until;
  }
}

export function createWriteLimiter(options: WriteLimiterOptions): WriteLimiter {
  const { redis, prefix, writeIntervalMs, writesPerMinute, writesPerHour } = options;
  const notificationsPerMinute = options.notificationsPerMinute ?? DEFAULT_NOTIFICATIONS_PER_MINUTE;
  const clock = options.clock ?? realClock;
  const client = redis as WithReserve;
  if (typeof client.steeringReserveWrite !== 'function') {
    redis.defineCommand('steeringReserveWrite', { numberOfKeys: 4, lua: RESERVE });
    redis.defineCommand('steeringReserveNotify', { numberOfKeys: 1, lua: RESERVE_NOTIFY });
    redis.defineCommand('steeringConfirmWrite', { numberOfKeys: 3, lua: CONFIRM });
    redis.defineCommand('steeringSettleWrite', { numberOfKeys: 3, lua: SETTLE });
  }
  async function acquireWrite(installationKey: string, write?: WriteOptions): Promise<WriteSlot> {
    const notifying = write?.notifying === true;
    const base = `${prefix}:github-writes:${installationKey}`;
    const [minute, hour, notify] = [`${base}:minute`, `${base}:hour`, `${base}:notify`];
    const member = randomUUID();
    const start = Math.floor(clock.now());
    let notBefore = start;
    if (notifying) {
      // Its place in the notification window, waited for without holding a write slot.
      notBefore = Number(
        await client.steeringReserveNotify(
          notify,
          String(start),
          String(notificationsPerMinute),
          member,
        ),
      );
      await sleepUntil(clock, notBefore, start);
    }
    const slot = Number(
      await client.steeringReserveWrite(
        `${base}:last`,
        minute,
        hour,
        notify,
        String(Math.max(start, Math.floor(clock.now()))),
        String(writeIntervalMs),
        String(writesPerMinute),
        String(writesPerHour),
        member,
        String(notBefore),
        notifying ? '1' : '0',
      ),
    );
    const waitedMs = await waitForConfirmedSlot(clock, slot, start, async (at) =>
      Number(
        await client.steeringConfirmWrite(
          minute,
          hour,
          notify,
          String(at),
          member,
          String(writesPerMinute),
          String(writesPerHour),
          String(notifying ? notificationsPerMinute : 0),
        ),
      ),
    );
    return {
      waitedMs,
      async sent() {
        const at = String(Math.floor(clock.now()));
        await client.steeringSettleWrite(minute, hour, notify, at, member);
      },
      async answered() {
        const at = String(Math.ceil(clock.now()));
        await client.steeringSettleWrite(minute, hour, notify, at, member);
      },
    };
  }
  return {
    acquireWrite,
    acquire: async (installationKey, write) =>
      (await acquireWrite(installationKey, write)).waitedMs,
  };
}
