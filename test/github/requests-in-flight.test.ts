// Writes asleep on the write limiter hold none of their installation's places among the requests
// in flight (Octokit's throttling plugin allows 10 per installation and process): a read of the
// same installation goes on meanwhile, and every send, plugin-retry's re-sends included, still
// takes a limiter slot.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMemoryWriteLimiter, type WriteLimiter } from '../../src/github/index.js';
import { heldClock } from '../support/test-clocks.js';
import { startPort } from './start-port.js';

describe('requests in flight and the write limiter', () => {
  // Before, the read waited for the clock, which nothing moves: the timeout ends the test then.
  it(
    '12 writes waiting for their limiter slot do not hold back a read; each send takes a slot',
    {
      timeout: 60_000,
    },
    async () => {
      const start = 10_000_000;
      const clock = heldClock(start);
      const memory = createMemoryWriteLimiter({
        writeIntervalMs: 1000,
        writesPerMinute: 80,
        writesPerHour: 500,
        clock,
      });
      let acquired = 0;
      const writeLimiter: WriteLimiter = {
        acquire: (key, write) => (acquired++, memory.acquire(key, write)),
        acquireWrite: (key, write) => (acquired++, memory.acquireWrite(key, write)),
      };
      const { simulator, repos } = await startPort({}, { writeLimiter, clock });
      try {
        simulator.addRepo({ owner: 'acme', name: 'svc' });
        const head = (await repos.getBranchHead('acme', 'svc', 'main')) as string;
        // The first ref's creation is lost once (502 before it is applied): plugin-retry sends it
        // again, and that send waits for a slot of its own.
        simulator.inject({
          kind: 'status',
          status: 502,
          method: 'POST',
          path: '/repos/acme/svc/git/refs',
          times: 1,
        });
        const writes = Array.from({ length: 13 }, (_, i) =>
          repos.createRef('acme', 'svc', `steering/b${i}`, head),
        );
        // The first write's slot is now; the other 12 sleep until theirs, 1 s apart.
        await clock.sleeping(12);
        const repo = await repos.getRepository('acme', 'svc');
        assert.equal(repo.name, 'svc');
        assert.equal(simulator.count({ method: 'POST', path: '/git/refs', status: 201 }), 0);

        await clock.advanceTo(start + 12_000);
        // The lost write's re-send waits for the next slot.
        await clock.sleeping(1);
        await clock.advanceTo(start + 13_000);
        await Promise.all(writes);
        assert.equal(acquired, 14, '13 writes and one re-send');
        assert.equal(simulator.count({ method: 'POST', path: '/git/refs', status: 502 }), 1);
        assert.equal(simulator.count({ method: 'POST', path: '/git/refs', status: 201 }), 13);
      } finally {
        await simulator.close();
      }
    },
  );
});
