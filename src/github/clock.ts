/**
 * A clock the GitHub room can speed up. The simulator, the write limiter and the Octokit port's
 * rate-limit waits all read time from a Clock, so a benchmark can run "1 simulated second = 10 ms
 * real" while every limit is still expressed in GitHub's real units (seconds, per minute, per hour).
 */

export interface Clock {
  /** Simulated epoch milliseconds. */
  now(): number;
  /** Wait `ms` simulated milliseconds. */
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

export interface ScaledClockOptions {
  /** Simulated milliseconds per real millisecond. 100 means 1 simulated second = 10 ms real. */
  factor: number;
  /**
   * Real epoch ms where simulated and real time coincide. Processes sharing a Redis limiter must
   * agree on it. Default: the moment the clock is created.
   */
  epoch?: number;
}

export function createScaledClock({ factor, epoch = Date.now() }: ScaledClockOptions): Clock {
  if (!(factor > 0)) throw new RangeError('scaled clock factor must be > 0');
  return {
    now: () => epoch + (Date.now() - epoch) * factor,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms / factor))),
  };
}

/**
 * A clock that only moves when someone waits on it: `sleep(ms)` advances simulated time by `ms`
 * at once (after yielding to pending I/O). Tests share one between the simulator and the port, so
 * a 60-second secondary-limit wait costs nothing and every run sees the same times.
 */
export function createManualClock(start = Date.now()): Clock & { advance(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    advance(ms) {
      now += Math.max(0, ms);
    },
    sleep: (ms) =>
      new Promise((resolve) =>
        setImmediate(() => {
          now += Math.max(0, ms);
          resolve();
        }),
      ),
  };
}

/**
 * Sleeps until the clock reads at least `at` and resolves to the ms waited since `from`. A timer
 * may fire early (ms rounding, a scaled clock's coarse steps): the clock is read again and the
 * rest slept, so a write slot is never taken before its time, whatever the timer precision. A clock
 * that does not move while sleeping (frozen in a test) is slept on once.
 */
export async function sleepUntil(clock: Clock, at: number, from = clock.now()): Promise<number> {
  let now = clock.now();
  while (now < at) {
    await clock.sleep(at - now);
    const next = clock.now();
    // A clock that did not move at all while sleeping (a test's frozen clock) would loop forever.
    if (next <= now) break;
    now = next;
  }
  return Math.max(0, at - from);
}
