/**
 * A clock for bench:rollout that moves only when all work waits on it. While any running job of
 * the watched workers does something other than sleeping on this clock (a database query, a
 * request to the simulator, Redis, a place among the requests in flight), or a job is waiting to
 * be picked up, simulated time stands still; when every running job sleeps on it, it jumps to the
 * earliest wake-up. The simulator, the write limiter and the port share it, so the simulated wall
 * time of a rollout is what GitHub's budget and steering's limiter make it, whatever the machine's
 * load: a loaded machine only takes longer in real time. Requests take no simulated time.
 *
 * The clock counts sleeps, not which job they belong to (a job's async context does not survive
 * the queues of Octokit's plugins): a distribute job sleeps on one call at a time, since the calls
 * that may sleep (writes waiting for their limiter slot, rate-limit waits) run one after another.
 * Waits in real time (plugin-retry's backoff, a queue's retry delay) hold the clock still until
 * they end.
 */
import type { Clock } from '../src/github/index.js';
import type { JobQueue, QueueDefaults, QueueDriver } from '../src/queue/index.js';

export interface VirtualClock extends Clock {
  /** Moves the clock forward by `ms` now (between phases, when nothing runs). */
  advance(ms: number): void;
  /** `driver` with its workers' jobs followed: the clock waits for those not sleeping on it. */
  watch(driver: QueueDriver): QueueDriver;
}

interface Sleeper {
  at: number;
  wake: () => void;
}

export function createVirtualClock(start = Date.now()): VirtualClock {
  let now = start;
  let sleepers: Sleeper[] = [];
  let running = 0;
  /** Jobs the watched workers run at a time, together. */
  let capacity = 0;
  const queues: Array<Pick<JobQueue<unknown>, 'count' | 'getJobCounts'>> = [];
  /** Bumped by every change; a check that awaited something gives up when it moved. */
  let generation = 0;
  let scheduled = false;

  const changed = () => {
    generation += 1;
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      void check();
    });
  };

  async function check(): Promise<void> {
    if (running === 0 || sleepers.length < running) return;
    const seen = generation;
    // A job taken by a worker whose processor has not started yet (or whose completion is not
    // recorded yet), or, with a worker's place free, a job waiting or delayed for a retry, would
    // run now: time waits for it too.
    const pending = await Promise.all(
      queues.map(async (q) => [await q.count(), (await q.getJobCounts('active')).active ?? 0]),
    );
    if (generation !== seen) return;
    const active = pending.reduce((n, [, a]) => n + a!, 0);
    const waiting = pending.reduce((n, [w]) => n + w!, 0);
    if (active !== running || (running < capacity && waiting > 0)) {
      // Nothing of ours announces when that changes: look again shortly.
      setTimeout(changed, 2);
      return;
    }
    now = Math.max(now, Math.min(...sleepers.map((s) => s.at)));
    const due = sleepers.filter((s) => s.at <= now);
    sleepers = sleepers.filter((s) => s.at > now);
    for (const s of due) s.wake();
    changed();
  }

  return {
    now: () => now,
    sleep: (ms) =>
      new Promise<void>((wake) => {
        if (!(ms > 0)) return void setImmediate(wake);
        sleepers.push({ at: now + ms, wake });
        changed();
      }),
    advance(ms) {
      now += Math.max(0, ms);
      changed();
    },
    watch(driver) {
      return {
        kind: driver.kind,
        description: driver.description,
        queue<T>(name: string, defaults: QueueDefaults, options?: { failFast?: boolean }) {
          const queue = driver.queue<T>(name, defaults, options);
          queues.push(queue);
          return queue;
        },
        worker: (queue, processor, options) => {
          capacity += options.concurrency;
          return driver.worker(
            queue,
            async (job) => {
              running += 1;
              changed();
              try {
                return await processor(job);
              } finally {
                running -= 1;
                changed();
              }
            },
            options,
          );
        },
        ping: () => driver.ping(),
        onRecovery: (fn) => driver.onRecovery(fn),
        close: () => driver.close(),
      };
    },
  };
}
