import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import express from 'express';
import { createShutdown, startServer } from '../../src/http/index.js';
import { silentLogger } from '../../src/log.js';

describe('graceful shutdown', () => {
  it('closes the HTTP server, then workers, then resources in order, once', async () => {
    // The handler tells when the request is in hand and answers when the test lets it: no sleep
    // decides whether the request reached the server before shutdown began.
    let arrived!: () => void;
    const arrival = new Promise<void>((resolve) => (arrived = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const app = express();
    app.get('/slow', async (_req, res) => {
      arrived();
      await released;
      res.send('done');
    });
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
    await arrival;
    const stopping = Promise.all([shutdown('SIGTERM'), shutdown('SIGTERM')]);
    // The listener is closed at once; nothing else closes while a request is in hand.
    assert.equal(server.server.listening, false);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(order, [], 'workers and resources wait for the in-flight request');
    release();
    await stopping;
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
