// Token model: expiry, scopes that imply others, and the list/revoke life cycle.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  IMPLIES,
  SCOPES,
  createApiToken,
  findApiToken,
  hasScope,
  listApiTokens,
  revokeApiToken,
} from '../../src/store/index.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

describe('API tokens', () => {
  let t: TestDatabase;
  before(async () => {
    t = await createTestDatabase();
  });
  after(() => t.drop());

  it('publish implies read; admin grants all; read grants only read', () => {
    assert.equal(hasScope(['publish'], 'read'), true);
    assert.equal(hasScope(['read'], 'publish'), false);
    assert.equal(hasScope(['read'], 'admin'), false);
    for (const s of SCOPES) assert.equal(hasScope(['admin'], s), true, s);
    for (const [scope, implied] of Object.entries(IMPLIES))
      for (const s of implied ?? []) assert.ok((SCOPES as readonly string[]).includes(s), scope);
  });

  it('expires: an expired token authenticates nothing and frees its name', async () => {
    const { token, record } = await createApiToken(t.db, {
      name: 'short',
      scopes: ['read'],
      expiresInDays: 1,
    });
    const ms = Date.parse(record.expiresAt!) - Date.now();
    assert.ok(ms > 23 * 3600_000 && ms <= 24 * 3600_000, `expires in a day (${ms} ms)`);
    assert.ok(await findApiToken(t.db, token));
    await t.db.query(
      `UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`,
      [record.id],
    );
    assert.equal(await findApiToken(t.db, token), null);
    const again = await createApiToken(t.db, { name: 'short', scopes: ['read'] });
    assert.equal(again.record.expiresAt, null, 'no expiry unless asked');
  });

  it('rejects a bad expiry and an unknown scope, saying what is allowed', async () => {
    await assert.rejects(
      createApiToken(t.db, { name: 'x', scopes: ['read'], expiresInDays: 0 }),
      /expiry: a number of days from 1 to 3650/,
    );
    await assert.rejects(
      createApiToken(t.db, { name: 'x', scopes: ['root'] }),
      /scopes must be one or more of read, publish, .*unknown: root/,
    );
  });

  it('lists every token with its state; revoke by name', async () => {
    await createApiToken(t.db, { name: 'ci', scopes: ['publish'] });
    await revokeApiToken(t.db, 'ci');
    const ci = (await listApiTokens(t.db)).find((x) => x.name === 'ci')!;
    assert.ok(ci.revokedAt);
    await assert.rejects(revokeApiToken(t.db, 'ci'), /no live token named "ci"/);
  });
});
