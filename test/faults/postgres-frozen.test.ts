/**
 * Fault scenario (issue problem 4): PostgreSQL frozen. The pool talks to the shared server through
 * a TCP proxy of this test's own, which then stops forwarding (a frozen server or a silent
 * network: no error, no answer). A query fails with DATABASE_ERROR within the client-side query
 * timeout instead of hanging; once the proxy forwards again, queries succeed.
 */
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { SteeringError } from '../../src/errors.js';
import { openPostgresDatabase } from '../../src/store/index.js';
import { TEST_DATABASE_URL } from '../support/db.js';

function startProxy(target: { host: string; port: number }) {
  let frozen = false;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    client.on('data', (d) => void (frozen || upstream.write(d)));
    upstream.on('data', (d) => void (frozen || client.write(d)));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  return {
    listening: new Promise<number>((r) =>
      server.listen(0, '127.0.0.1', () => r((server.address() as { port: number }).port)),
    ),
    freeze: () => void (frozen = true),
    thaw: () => void (frozen = false),
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

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
});
