// bench:rollout's virtual clock: it moves only when every running job sleeps on it, to the
// earliest wake-up; a job busy with something else (here a promise the test holds) holds it still.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createVirtualClock } from '../../bench/virtual-clock.js';
import { createMemoryDriver } from '../../src/queue/index.js';

const settle = async (turns = 20) => {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('virtual clock (bench:rollout)', () => {
  it('moves only when every running job sleeps on it, to the earliest wake-up', async () => {
    const clock = createVirtualClock(1000);
    const driver = clock.watch(createMemoryDriver());
    const queue = driver.queue<{ name: string }>('virtual-clock', {
      attempts: 1,
      backoff: { type: 'exponential', delayMs: 0 },
      keepCompletedSeconds: 60,
      keepFailedSeconds: 60,
    });
    const log: string[] = [];
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    let started = 0;
    let bothStarted!: () => void;
    const starting = new Promise<void>((resolve) => (bothStarted = resolve));
    let finished!: () => void;
    const done = new Promise<void>((resolve) => (finished = resolve));
    const worker = driver.worker(
      queue,
      async (job) => {
        if (++started === 2) bothStarted();
        if (job.data.name === 'a') {
          await clock.sleep(5000);
          log.push(`a ${clock.now()}`);
          finished();
        } else {
          await gate; // busy with something else than the clock
          log.push(`b busy until ${clock.now()}`);
          await clock.sleep(1000);
          log.push(`b ${clock.now()}`);
        }
      },
      { concurrency: 2 },
    );
    try {
      await queue.add('a', { name: 'a' });
      await queue.add('b', { name: 'b' });
      await starting;
      await settle();
      assert.equal(clock.now(), 1000, 'b is busy: the clock stands still');
      openGate();
      await done;
      assert.deepEqual(log, ['b busy until 1000', 'b 2000', 'a 6000']);
    } finally {
      await worker.close();
      await driver.close();
    }
  });
});
