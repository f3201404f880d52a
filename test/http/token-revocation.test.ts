/**
 * Revocation takes effect at once, across processes. Two apps on separate pools share one schema,
 * each caching tokens for ten minutes: a token revoked through one app is refused by the other on
 * its next request (once the revocation's notification has reached that app's database), and by
 * the revoking app itself at once. A token revoked while an app cannot hear notifications is not
 * served from its cache afterwards.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Express } from 'express';
import request from 'supertest';
import pg from 'pg';
import { createApp } from '../../src/http/index.js';
import { silentLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics.js';
import {
  TOKEN_REVOKED_CHANNEL,
  createApiToken,
  openPostgresDatabase,
  type Db,
} from '../../src/store/index.js';
import { TEST_DATABASE_URL, createTestDatabase, type TestDatabase } from '../support/db.js';

const TEN_MINUTES = 600_000;

/** Notifications and connection changes a Db's listening connection went through, awaitable. */
function observe(db: Db) {
  let live = false;
  const waiters: Array<{ event: string; resolve: () => void }> = [];
  const push = (event: string) => {
    for (const w of waiters.filter((w) => w.event === event)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  db.listen(TOKEN_REVOKED_CHANNEL, {
    notified: (name) => push(`revoked ${name}`),
    listening(now) {
      live = now;
      push(now ? 'live' : 'lost');
    },
  });
  return {
    /** Resolves at the next `event`: `revoked <name>`, `lost` or `live`. */
    next(event: string): Promise<void> {
      return new Promise((resolve) => waiters.push({ event, resolve }));
    },
    /** Resolves once notifications are heard (at once if they are). */
    live(): Promise<void> {
      return live ? Promise.resolve() : this.next('live');
    },
  };
}

function appOn(db: Db): Express {
  return createApp({
    db,
    logger: silentLogger,
    metrics: createMetrics({ processMetrics: false }),
    auth: { cacheMs: TEN_MINUTES },
    failedAuth: { failures: 1000, windowSeconds: 60 },
  });
}

describe('token revocation', () => {
  let t: TestDatabase;
  let otherDb: Db;
  let one: Express;
  let other: Express;
  let otherEvents: ReturnType<typeof observe>;
  let admin: string;

  before(async () => {
    t = await createTestDatabase();
    // Named, so that the test can find (and cut) this Db's listening connection.
    const named = new URL(TEST_DATABASE_URL);
    named.searchParams.set('application_name', `revocation_${t.schema}`);
    otherDb = openPostgresDatabase({ connectionString: named.toString(), schema: t.schema });
    one = appOn(t.db);
    other = appOn(otherDb);
    otherEvents = observe(otherDb); // on the same listening connection as `other`'s authenticator
    admin = (await createApiToken(t.db, { name: 'admin', scopes: ['admin'] })).token;
  });
  after(async () => {
    await otherDb.close();
    await t.drop();
  });

  const read = (app: Express, token: string) =>
    request(app).get('/v1/guidelines').set('authorization', `Bearer ${token}`);
  const revokeSilently = (name: string) =>
    t.db.query('UPDATE api_tokens SET revoked_at = now() WHERE name = $1', [name]);

  it('a token revoked through one app is refused by the other on its next request', async () => {
    await otherEvents.live();
    const { token } = await createApiToken(t.db, { name: 'reader', scopes: ['read'] });
    const cached = (await createApiToken(t.db, { name: 'cached', scopes: ['read'] })).token;
    assert.equal((await read(other, token)).status, 200);
    assert.equal((await read(other, cached)).status, 200);
    // The other app serves from its cache: a revocation nobody announces goes unnoticed.
    await revokeSilently('cached');
    assert.equal((await read(other, cached)).status, 200, 'the cache is in use');

    const heard = otherEvents.next('revoked reader');
    const res = await request(one)
      .post('/v1/tokens/reader/revoke')
      .set('authorization', `Bearer ${admin}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    await heard;
    assert.equal((await read(other, token)).status, 401);
    assert.equal((await read(other, cached)).status, 401, 'the whole cache was dropped');
  });

  it('the revoking app refuses the token at once', async () => {
    const { token } = await createApiToken(t.db, { name: 'writer', scopes: ['read'] });
    assert.equal((await read(one, token)).status, 200);
    const res = await request(one)
      .post('/v1/tokens/writer/revoke')
      .set('authorization', `Bearer ${admin}`);
    assert.equal(res.status, 200);
    assert.equal((await read(one, token)).status, 401);
  });

  it('drops its cache when the listening connection is lost', async () => {
    await otherEvents.live();
    const { token } = await createApiToken(t.db, { name: 'roamer', scopes: ['read'] });
    assert.equal((await read(other, token)).status, 200);
    const lost = otherEvents.next('lost');
    const killer = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await killer.connect();
    try {
      const r = await killer.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE application_name = $1 AND query = $2`,
        [`revocation_${t.schema}`, `LISTEN ${TOKEN_REVOKED_CHANNEL}`],
      );
      assert.ok(r.rowCount! >= 1, 'a listening connection was found');
    } finally {
      await killer.end();
    }
    await lost;
    // Revoked while the other app could hear nothing: it must not answer from its cache.
    await revokeSilently('roamer');
    assert.equal((await read(other, token)).status, 401);
    await otherEvents.live();
    assert.equal((await read(other, token)).status, 401);
  });
});
