/**
 * A database that stops answering (a frozen server, a silent network) must not hang a request:
 * the client-side query timeout turns it into a transient "database unavailable" error, the
 * stuck connection is dropped, and the pool serves again once the database answers.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SteeringError, describeError } from '../../src/errors.js';
import { openPostgresDatabase, type Db } from '../../src/store/index.js';
import { TEST_DATABASE_URL } from '../support/db.js';

/** A TCP proxy in front of PostgreSQL whose traffic can be frozen (held, not forwarded). */
function startFreezableProxy(target: URL): Promise<{
  port: number;
  freeze(on: boolean): void;
  close(): Promise<void>;
}> {
  let frozen = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    sockets.add(client).add(upstream);
    const pipe = (from: net.Socket, to: net.Socket) =>
      from.on('data', (chunk) => {
        if (!frozen) to.write(chunk); // frozen: bytes are swallowed, as by a hung server
      });
    pipe(client, upstream);
    pipe(upstream, client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as net.AddressInfo).port,
        freeze: (on) => (frozen = on),
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      }),
    ),
  );
}

describe('a frozen database connection', () => {
  let proxy: Awaited<ReturnType<typeof startFreezableProxy>>;
  let db: Db;

  before(async () => {
    const target = new URL(TEST_DATABASE_URL);
    proxy = await startFreezableProxy(target);
    const via = new URL(TEST_DATABASE_URL);
    via.hostname = '127.0.0.1';
    via.port = String(proxy.port);
    db = openPostgresDatabase({ connectionString: via.toString(), max: 2, queryTimeoutMs: 300 });
  });
  after(async () => {
    await db.close();
    await proxy.close();
  });

  it('fails a query with a transient 503 instead of hanging, and recovers after', async () => {
    assert.equal((await db.query<{ n: number }>('SELECT 1 AS n')).rows[0]?.n, 1);
    proxy.freeze(true);
    await assert.rejects(db.query('SELECT 2'), (err: unknown) => {
      assert.ok(err instanceof SteeringError);
      assert.equal(err.code, 'DATABASE_ERROR');
      assert.equal(err.transient, true);
      assert.equal(describeError(err).status, 503);
      return true;
    });
    await assert.rejects(
      db.transaction((tx) => tx.query('SELECT 3')),
      (err: unknown) => err instanceof SteeringError && err.code === 'DATABASE_ERROR',
    );
    proxy.freeze(false);
    assert.equal((await db.query<{ n: number }>('SELECT 4 AS n')).rows[0]?.n, 4);
  });
});
