/** Clocks for the write limiters' tests (both drivers): none of them reads the wall clock. */
import type { Clock } from '../../src/github/index.js';

/** A clock that stands still: waits are reported, not slept, so slots are exact. */
export const frozenClock: Clock = { now: () => 1_000_000, sleep: async () => {} };

/** A clock that jumps forward when someone sleeps (one caller at a time). */
export function steppingClock(): Clock & { t: number } {
  const c = { t: 5_000_000, now: () => c.t, sleep: async (ms: number) => void (c.t += ms) };
  return c;
}

/**
 * A clock whose sleepers wake only when the test moves it (`advanceTo`); `sleeping(n)` resolves once
 * `n` callers are asleep on it (an event to await before moving the clock).
 */
export function heldClock(
  start: number,
): Clock & { advanceTo(t: number): Promise<void>; sleeping(n?: number): Promise<void> } {
  let now = start;
  let sleepers: { at: number; wake: () => void }[] = [];
  let watchers: { n: number; resolve: () => void }[] = [];
  const look = () =>
    (watchers = watchers.filter((w) => (sleepers.length >= w.n ? void w.resolve() : true)));
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    now: () => now,
    sleep: (ms) =>
      new Promise<void>((wake) => {
        sleepers.push({ at: now + ms, wake });
        look();
      }),
    sleeping: (n = 1) =>
      new Promise<void>((resolve) => {
        watchers.push({ n, resolve });
        look();
      }),
    async advanceTo(t) {
      now = t;
      for (let i = 0; i < 20; i++) {
        const due = sleepers.filter((s) => s.at <= now);
        sleepers = sleepers.filter((s) => s.at > now);
        for (const s of due) s.wake();
        await settle();
      }
    },
  };
}
