/**
 * The write limiter for one process without Redis (the embedded default): the same limits and the
 * same reservation rule as the Redis limiter (write-limiter.ts), kept in memory.
 */
import { realClock, sleepUntil, type Clock } from './clock.js';
import type { WriteLimiter, WriteLimits } from './write-limiter.js';

interface Slots {
  last: number;
  minute: number[];
  hour: number[];
}

export function createMemoryWriteLimiter(options: WriteLimits & { clock?: Clock }): WriteLimiter {
  const { writeIntervalMs, writesPerMinute, writesPerHour } = options;
  const clock = options.clock ?? realClock;
  const state = new Map<string, Slots>();
  return {
    async acquire(installationKey) {
      const now = Math.floor(clock.now());
      let s = state.get(installationKey);
      if (!s) state.set(installationKey, (s = { last: -1, minute: [], hour: [] }));
      let t = now;
      if (s.last >= 0 && s.last + writeIntervalMs > t) t = s.last + writeIntervalMs;
      const bound = (slots: number[], window: number, limit: number) => {
        while (slots.length && slots[0]! <= now - window) slots.shift();
        if (slots.length >= limit) t = Math.max(t, slots[slots.length - limit]! + window);
      };
      bound(s.minute, 60_000, writesPerMinute);
      bound(s.hour, 3_600_000, writesPerHour);
      if (s.last > t) t = s.last;
      s.last = t;
      // Reservations only grow (t ≥ every earlier slot), so the lists stay sorted.
      s.minute.push(t);
      s.hour.push(t);
      return sleepUntil(clock, t, now);
    },
  };
}
