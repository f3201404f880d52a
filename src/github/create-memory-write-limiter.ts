/**
 * The write limiter for one process without Redis (the embedded default): the same limits, the
 * same reservation rule and the same times as the Redis limiter (write-limiter.ts), kept in
 * memory: a write counts from its slot, then from when it is sent, then from when its answer
 * arrived.
 */
import { realClock, type Clock } from './clock.js';
import {
  waitForConfirmedSlot,
  type WriteLimiter,
  type WriteLimits,
  type WriteSlot,
} from './write-limiter.js';

/** One write's time in the windows (shared by both lists; it only moves forward). */
interface Write {
  t: number;
}

interface Slots {
  last: number;
  minute: Write[];
  hour: Write[];
}

const MINUTE = 60_000;
const HOUR = 3_600_000;

/** The earliest time ≥ `t` at which fewer than `limit` of `writes` fall within `window` before it. */
function windowBound(writes: Write[], window: number, limit: number, t: number): number {
  if (writes.length < limit) return t;
  const times = writes.map((w) => w.t).sort((a, b) => a - b);
  return Math.max(t, times[times.length - limit]! + window);
}

/** The other writes timed in (at − window, at]: when `limit` or more, the time that frees one. */
function confirmBound(writes: Write[], own: Write, window: number, limit: number, at: number) {
  const inside = writes
    .filter((w) => w !== own && w.t > at - window && w.t <= at)
    .map((w) => w.t)
    .sort((a, b) => a - b);
  return inside.length < limit ? 0 : inside[inside.length - limit]! + window;
}

export function createMemoryWriteLimiter(options: WriteLimits & { clock?: Clock }): WriteLimiter {
  const { writeIntervalMs, writesPerMinute, writesPerHour } = options;
  const clock = options.clock ?? realClock;
  const state = new Map<string, Slots>();

  function reserve(s: Slots, now: number): { slot: number; write: Write } {
    s.minute = s.minute.filter((w) => w.t > now - MINUTE);
    s.hour = s.hour.filter((w) => w.t > now - HOUR);
    let t = now;
    if (s.last >= 0 && s.last + writeIntervalMs > t) t = s.last + writeIntervalMs;
    t = windowBound(s.minute, MINUTE, writesPerMinute, t);
    t = windowBound(s.hour, HOUR, writesPerHour, t);
    if (s.last > t) t = s.last;
    s.last = t;
    const write = { t };
    s.minute.push(write);
    s.hour.push(write);
    return { slot: t, write };
  }

  async function acquireWrite(installationKey: string): Promise<WriteSlot> {
    const now = Math.floor(clock.now());
    let s = state.get(installationKey);
    if (!s) state.set(installationKey, (s = { last: -1, minute: [], hour: [] }));
    const slots = s;
    const { slot, write } = reserve(slots, now);
    const waitedMs = await waitForConfirmedSlot(clock, slot, now, async (at) => {
      const until = Math.max(
        confirmBound(slots.minute, write, MINUTE, writesPerMinute, at),
        confirmBound(slots.hour, write, HOUR, writesPerHour, at),
      );
      if (until === 0) write.t = Math.max(write.t, at);
      return until;
    });
    return {
      waitedMs,
      answered: async () => {
        write.t = Math.max(write.t, Math.ceil(clock.now()));
      },
    };
  }

  return {
    acquireWrite,
    acquire: async (installationKey) => (await acquireWrite(installationKey)).waitedMs,
  };
}
