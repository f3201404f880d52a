import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import express from 'express';
import { createShutdown, startServer } from '../../src/http/index.js';
import { silentLogger } from '../../src/log.js';

describe('graceful shutdown', () => {
  it('closes the HTTP server, then workers, then resources in order, once', async () => {
    const app = express();
    app.get('/slow', (_req, res) => void setTimeout(() => res.send('done'), 150));
    const server = await startServer(app, { port: 0, host: '127.0.0.1' });
    const order: string[] = [];
    const shutdown = createShutdown({
      server,
      workers: [
        {
          name: 'worker',
          close: async () => order.push(`worker (listening: ${server.server.listening})`),
        },
      ],
      resources: [
        { name: 'database', close: async () => order.push('database') },
        { name: 'redis', close: async () => order.push('redis') },
      ],
      logger: silentLogger,
    });
    const inFlight = fetch(`${server.url}/slow`).then((r) => r.text());
    await new Promise((r) => setTimeout(r, 30));
    await Promise.all([shutdown('SIGTERM'), shutdown('SIGTERM')]);
    assert.equal(await inFlight, 'done', 'an in-flight request finishes');
    assert.deepEqual(order, ['worker (listening: false)', 'database', 'redis']);
    await assert.rejects(fetch(`${server.url}/slow`));
  });

  it('forces busy workers closed at the deadline, then closes the resources', async () => {
    const server = await startServer(express(), { port: 0, host: '127.0.0.1' });
    const order: string[] = [];
    let release: () => void = () => {};
    const stuck = new Promise<void>((r) => (release = r));
    const shutdown = createShutdown({
      server,
      deadlineMs: 50,
      workers: [
        {
          name: 'distribute worker',
          // A job in a GitHub retry backoff: a graceful close would wait for it.
          close: async (force?: boolean) => {
            order.push(force ? 'forced' : 'graceful');
            if (force) release();
            else await stuck;
          },
        },
        { name: 'idle worker', close: async () => order.push('idle closed') },
      ],
      resources: [{ name: 'database', close: async () => order.push('database') }],
      logger: silentLogger,
    });
    await shutdown('SIGTERM');
    assert.deepEqual(order, ['graceful', 'idle closed', 'forced', 'database']);
  });
});
