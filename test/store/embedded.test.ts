import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import request from 'supertest';
import { loadConfig } from '../../src/config.js';
import { createApp } from '../../src/http/index.js';
import { silentLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics.js';
import { publishGuideline } from '../../src/publish/index.js';
import {
  createApiToken,
  getGuideline,
  listGuidelineVersions,
  openDatabase,
  pendingMigrations,
} from '../../src/store/index.js';

const PERFORMANCE = readFileSync(
  new URL('../../guidelines/performance.md', import.meta.url),
  'utf8',
);
const path = 'guidelines/performance.md';

describe('embedded database (PGlite) when DATABASE_URL is unset', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'steering-pglite-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('migrates on open, publishes like PostgreSQL, persists across restarts and serves the API', async () => {
    const config = loadConfig({ STEERING_DATA_DIR: dataDir });
    assert.equal(config.database.url, undefined);
    let db = await openDatabase(config);
    try {
      assert.equal(db.kind, 'pglite');
      assert.match(db.description, /pglite/);
      assert.deepEqual(await pendingMigrations(db), []);
      const first = await publishGuideline(db, { source: PERFORMANCE, path, publisher: 'test' });
      assert.deepEqual([first.version, first.created], ['1.0.0', true]);
      const again = await publishGuideline(db, { source: PERFORMANCE, path, publisher: 'test' });
      assert.deepEqual([again.version, again.created], ['1.0.0', false]);
      const tightened = PERFORMANCE.replace('- Health checks: < 50ms', '- Health checks: < 20ms');
      // Concurrent publishes serialise on PGlite too (and must not deadlock).
      const [a, b] = await Promise.all([
        publishGuideline(db, { source: tightened, path, publisher: 'a' }),
        publishGuideline(db, { source: tightened, path, publisher: 'b' }),
      ]);
      assert.deepEqual([a.version, b.version], ['2.0.0', '2.0.0']);
      assert.deepEqual([a.created, b.created].sort(), [false, true]);
    } finally {
      await db.close();
    }

    db = await openDatabase(config);
    try {
      assert.equal((await getGuideline(db, 'performance'))?.latestVersion, '2.0.0');
      assert.equal((await listGuidelineVersions(db, 'performance')).length, 2);
      const { token } = await createApiToken(db, { name: 'reader', scopes: ['read'] });
      const app = createApp({
        db,
        logger: silentLogger,
        metrics: createMetrics({ processMetrics: false }),
      });
      const res = await request(app)
        .get('/v1/guidelines/performance/versions/2.0.0')
        .set('Authorization', `Bearer ${token}`)
        .expect(200);
      assert.equal(res.body.version, '2.0.0');
      const ready = await request(app).get('/ready').expect(200);
      assert.equal(ready.body.checks.postgres.status, 'up');
    } finally {
      await db.close();
    }
  });
});
