/**
 * Fault scenario (issue problem 4): PostgreSQL frozen. The pool talks to the shared server through
 * a TCP proxy of this test's own, which then stops forwarding (a frozen server or a silent
 * network: no error, no answer). A query fails with DATABASE_ERROR within the client-side query
 * timeout instead of hanging; once the proxy forwards again, queries succeed. Through the API:
 * requests on a frozen pool answer 503 (before: no answer after 40 s), every connection they took
 * is given back or dropped (none stays checked out), and the API answers 200 after the thaw.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { SteeringError } from '../../src/errors.js';
import { createApp } from '../../src/http/index.js';
import { silentLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics.js';
import { createApiToken, openPostgresDatabase } from '../../src/store/index.js';
import { TEST_DATABASE_URL, createTestDatabase } from '../support/db.js';
import { waitUntil } from '../support/wait-until.js';
import { startProxy } from './tcp-proxy.js';

describe('faults: PostgreSQL frozen', () => {
  const u = new URL(TEST_DATABASE_URL);
  const proxy = startProxy({ host: u.hostname, port: Number(u.port || 5432) });
  after(() => proxy.close());

  it('a query on a frozen connection fails with DATABASE_ERROR instead of hanging', async () => {
    const port = await proxy.listening;
    const via = new URL(TEST_DATABASE_URL);
    via.port = String(port);
    const db = openPostgresDatabase({
      connectionString: via.toString(),
      max: 2,
      queryTimeoutMs: 500,
      connectTimeoutMs: 500,
    });
    try {
      await db.query('SELECT 1');
      proxy.freeze();
      console.log('  proxy frozen: bytes are no longer forwarded');
      const err = await db.query('SELECT 1').then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(err instanceof SteeringError, `expected a SteeringError, got ${String(err)}`);
      assert.equal(err.code, 'DATABASE_ERROR');
      assert.doesNotMatch(err.message, /SELECT|sqlstate/i);
      proxy.thaw();
      console.log('  proxy thawed');
      const r = await db.query<{ one: number }>('SELECT 1 AS one');
      assert.equal(r.rows[0]?.one, 1);
    } finally {
      await db.close().catch(() => undefined);
    }
  });

  it('requests on a frozen pool answer 503 and give their connections back', async () => {
    const port = await proxy.listening;
    const t = await createTestDatabase();
    const via = new URL(TEST_DATABASE_URL);
    via.port = String(port);
    const db = openPostgresDatabase({
      connectionString: via.toString(),
      schema: t.schema,
      max: 2,
      queryTimeoutMs: 500,
      connectTimeoutMs: 500,
    });
    const app = createApp({
      db,
      logger: silentLogger,
      metrics: createMetrics({ processMetrics: false }),
      readiness: { postgres: () => db.ping() },
      auth: { cacheMs: 0 },
      failedAuth: { failures: 1000, windowSeconds: 60 },
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const { token } = await createApiToken(t.db, { name: 'reader', scopes: ['read'] });
      const list = () =>
        fetch(`${base}/v1/guidelines`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal((await list()).status, 200);
      proxy.freeze();
      console.log('  proxy frozen; 6 requests on a pool of 2');
      const answers = await Promise.all(
        Array.from({ length: 6 }, async () => {
          const r = await list();
          return { status: r.status, body: (await r.json()) as { code?: string; detail?: string } };
        }),
      );
      for (const a of answers) {
        assert.equal(a.status, 503, JSON.stringify(a.body));
        assert.doesNotMatch(a.body.detail ?? '', /SELECT|sqlstate|api_tokens/i);
      }
      assert.equal((await fetch(`${base}/ready`)).status, 503);
      // A 503 goes out before its request's connection is handed back (the release runs after
      // the timed-out query settles): wait for the pool to settle; a leaked connection never does.
      const stats = await waitUntil(
        () => `every connection back in the pool: ${JSON.stringify(db.stats())}`,
        () => {
          const s = db.stats();
          return s.waiting === 0 && s.total === s.idle && s;
        },
        60_000,
      );
      console.log(`  answered 503 x${answers.length}; pool ${JSON.stringify(stats)}`);
      assert.equal(stats.waiting, 0, 'nothing waits for a connection');
      assert.equal(stats.total, stats.idle, 'no connection stays checked out');
      proxy.thaw();
      console.log('  proxy thawed');
      assert.equal((await list()).status, 200);
    } finally {
      proxy.thaw();
      await new Promise((r) => server.close(r));
      await db.close().catch(() => undefined);
      await t.drop();
    }
  });
});
