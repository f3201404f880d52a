/**
 * The real app on a fresh PostgreSQL schema, with tokens for each scope.
 */
import { Redis } from 'ioredis';
import { createApp } from '../../src/http/index.js';
import { silentLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics.js';
import { createApiToken } from '../../src/store/index.js';
import { createTestDatabase, type TestDatabase } from './db.js';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export async function createTestApp() {
  const t: TestDatabase = await createTestDatabase();
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  const metrics = createMetrics({ processMetrics: false });
  const app = createApp({
    db: t.db,
    logger: silentLogger,
    metrics,
    readiness: { postgres: () => t.db.ping(), redis: () => redis.ping() },
    bodyLimit: '200kb',
    auth: { cacheMs: 0 },
  });
  const tokens = {
    admin: (await createApiToken(t.db, { name: 'admin', scopes: ['admin'] })).token,
    read: (await createApiToken(t.db, { name: 'reader', scopes: ['read'] })).token,
    publish: (await createApiToken(t.db, { name: 'publisher', scopes: ['publish'] })).token,
  };
  return {
    app,
    db: t.db,
    metrics,
    tokens,
    async close() {
      redis.disconnect();
      await t.drop();
    },
  };
}
