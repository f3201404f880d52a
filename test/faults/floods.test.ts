/**
 * Fault scenarios (issue problem 8): floods before authentication, against the app as `serve`
 * builds it (default failed-authentication limit, webhooks mounted).
 * - 300 bad-token requests from one address: past the limit they are 429 and cost the database
 *   nothing (before: each was a database transaction, 29,490 in 20 s).
 * - Unsigned 24 MB webhook posts: each is refused before its body is read; the client manages to
 *   send only what the sockets buffer, not the 24 MB (before: the route buffered 25 MB, then
 *   looked at the signature).
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../src/http/index.js';
import { silentLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics.js';
import type { Db } from '../../src/store/index.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

/** The database, counting the statements and transactions asked of it. */
function counting(db: Db) {
  const counts = { queries: 0 };
  const wrapped: Db = {
    ...db,
    query: (sql, params) => {
      counts.queries++;
      return db.query(sql, params);
    },
    transaction: (fn) => {
      counts.queries++;
      return db.transaction(fn);
    },
  };
  return { db: wrapped, counts };
}

describe('faults: floods before authentication', () => {
  let t: TestDatabase;
  let base: string;
  let counts: { queries: number };
  let close: () => Promise<void>;

  before(async () => {
    t = await createTestDatabase();
    const c = counting(t.db);
    counts = c.counts;
    const app = createApp({
      db: c.db,
      logger: silentLogger,
      metrics: createMetrics({ processMetrics: false }),
      webhooks: { secret: 'faults-secret', enqueue: async () => false },
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => new Promise((r) => server.close(() => r()));
  });
  after(async () => {
    await close();
    await t.drop();
  });

  it('throttles a flood of bad tokens before it reaches the database', async () => {
    const statuses: number[] = [];
    let queriesAtFirst429 = -1;
    for (let i = 0; i < 300; i++) {
      const r = await fetch(`${base}/v1/guidelines`, {
        headers: { authorization: `Bearer stg_bad${i}` },
      });
      await r.arrayBuffer();
      if (r.status === 429 && queriesAtFirst429 < 0) queriesAtFirst429 = counts.queries;
      statuses.push(r.status);
    }
    const throttled = statuses.filter((s) => s === 429).length;
    console.log(
      `  300 bad tokens: ${statuses.filter((s) => s === 401).length} × 401, ${throttled} × 429; ${counts.queries} database calls`,
    );
    assert.ok(throttled >= 250, `most are throttled (${throttled})`);
    assert.ok(queriesAtFirst429 >= 0);
    assert.equal(counts.queries, queriesAtFirst429, 'a throttled request costs no database call');
  });

  it('refuses unsigned 24 MB webhook posts before reading their bodies', async () => {
    // An app of its own: the bad tokens above spent this address's failed-authentication budget.
    const app = createApp({
      db: t.db,
      logger: silentLogger,
      metrics: createMetrics({ processMetrics: false }),
      webhooks: { secret: 'faults-secret', enqueue: async () => false },
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as AddressInfo).port;
    after(() => new Promise<void>((r) => server.close(() => r())));
    const size = 24 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    for (let i = 0; i < 3; i++) {
      const sent = await new Promise<{ status: number; bytes: number }>((resolve, reject) => {
        let bytes = 0;
        let answered = false;
        const req = httpRequest({
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/webhooks/github',
          headers: {
            'content-type': 'application/json',
            'content-length': String(size),
            'x-github-event': 'push',
            'x-github-delivery': `flood-${i}`,
          },
        });
        req.on('response', (res) => {
          answered = true;
          res.resume();
          resolve({ status: res.statusCode ?? 0, bytes });
          req.destroy();
        });
        req.on('error', (err) => (answered ? undefined : reject(err)));
        // Writes as fast as the socket takes them, until the answer comes (or all 24 MB went).
        const pump = () => {
          while (!answered && bytes < size) {
            bytes += chunk.length;
            if (!req.write(chunk)) return void req.once('drain', pump);
          }
          if (!answered) req.end();
        };
        pump();
      });
      console.log(`  unsigned post ${i}: ${sent.status} after ${sent.bytes} of ${size} bytes`);
      assert.ok([400, 401].includes(sent.status), `status ${sent.status}`);
      assert.ok(sent.bytes < size / 4, `answered after ${sent.bytes} bytes were sent`);
    }
  });
});
