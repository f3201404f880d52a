/**
 * The write limiter for one process without Redis (the embedded default): the same limits, the
 * same reservation rule and the same times as the Redis limiter (write-limiter.ts), kept in
 * memory: a write counts from its slot, then from when it is sent (`sent()` when that is later
 * than its slot), then from when its answer arrived; a notifying write first waits for its place
 * in the notification window without holding a write slot.
 */
import { realClock, sleepUntil, type Clock } from './clock.js';
import {
  DEFAULT_NOTIFICATIONS_PER_MINUTE,
  waitForConfirmedSlot,
  type WriteLimiter,
  type WriteLimits,
  type WriteOptions,
  type WriteSlot,
} from './write-limiter.js';

/** One write's time in the windows (shared by the lists; it only moves forward). */
interface Write {
  t: number;
}

interface Slots {
  last: number;
  minute: Write[];
  hour: Write[];
  /** Notifying writes, also in `minute` and `hour` once they have a write slot. */
  notify: Write[];
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
  const notificationsPerMinute = options.notificationsPerMinute ?? DEFAULT_NOTIFICATIONS_PER_MINUTE;
  const clock = options.clock ?? realClock;
  const state = new Map<string, Slots>();

  /** The notification window's RESERVE_NOTIFY: a place no earlier than those already reserved. */
  function reserveNotify(s: Slots, now: number, write: Write): number {
    s.notify = s.notify.filter((w) => w.t > now - MINUTE);
    let t = Math.max(now, ...s.notify.map((w) => w.t));
    t = windowBound(s.notify, MINUTE, notificationsPerMinute, t);
    write.t = t;
    s.notify.push(write);
    return t;
  }

  function reserve(s: Slots, now: number, notBefore: number, write: Write): number {
    s.minute = s.minute.filter((w) => w.t > now - MINUTE);
    s.hour = s.hour.filter((w) => w.t > now - HOUR);
    let t = Math.max(now, notBefore);
    if (s.last >= 0 && s.last + writeIntervalMs > t) t = s.last + writeIntervalMs;
    t = windowBound(s.minute, MINUTE, writesPerMinute, t);
    t = windowBound(s.hour, HOUR, writesPerHour, t);
    if (s.last > t) t = s.last;
    s.last = t;
    write.t = Math.max(write.t, t);
    s.minute.push(write);
    s.hour.push(write);
    return t;
  }

  async function acquireWrite(installationKey: string, options?: WriteOptions): Promise<WriteSlot> {
    const notifying = options?.notifying === true;
    const start = Math.floor(clock.now());
    let s = state.get(installationKey);
    if (!s) state.set(installationKey, (s = { last: -1, minute: [], hour: [], notify: [] }));
    const slots = s;
    const write: Write = { t: start };
    let notBefore = start;
    if (notifying) {
      notBefore = reserveNotify(slots, start, write);
      await sleepUntil(clock, notBefore, start);
    }
    const slot = reserve(slots, Math.max(start, Math.floor(clock.now())), notBefore, write);
    const waitedMs = await waitForConfirmedSlot(clock, slot, start, async (at) => {
      const until = Math.max(
        confirmBound(slots.minute, write, MINUTE, writesPerMinute, at),
        confirmBound(slots.hour, write, HOUR, writesPerHour, at),
        notifying ? confirmBound(slots.notify, write, MINUTE, notificationsPerMinute, at) : 0,
      );
      if (until === 0) write.t = Math.max(write.t, at);
      return until;
    });
    return {
      waitedMs,
      sent: async () => {
        write.t = Math.max(write.t, Math.floor(clock.now()));
      },
      answered: async () => {
        write.t = Math.max(write.t, Math.ceil(clock.now()));
      },
    };
  }

  return {
    acquireWrite,
    acquire: async (installationKey, write) =>
      (await acquireWrite(installationKey, write)).waitedMs,
  };
}
