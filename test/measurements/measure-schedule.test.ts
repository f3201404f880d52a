// The repeatable `measure` job: scheduled in Redis, and each run turns figures older than the
// allowed age stale (no Prometheus configured: only the staleness refresh runs).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { compileGuideline } from '../../src/guidelines/index.js';
import { deletePrefixKeys } from '../../src/jobs/index.js';
import { silentLogger } from '../../src/log.js';
import { startMeasureRuntime, type MeasureRuntime } from '../../src/measurements/index.js';
import { publishGuideline } from '../../src/publish/index.js';
import { insertMeasuredValues, saveScanResults, upsertRepository } from '../../src/store/index.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const root = join(import.meta.dirname, '..', '..');
const guideline = readFileSync(join(root, 'guidelines', 'performance.md'), 'utf8');

describe('measure schedule', { timeout: 30_000 }, () => {
  let t: TestDatabase;
  let runtime: MeasureRuntime;
  const prefix = `steering-test-${randomBytes(5).toString('hex')}`;

  before(async () => {
    t = await createTestDatabase();
    await publishGuideline(t.db, {
      source: guideline,
      path: 'guidelines/performance.md',
      publisher: 'test',
    });
    await upsertRepository(t.db, {
      id: 77,
      owner: 'acme',
      name: 'orders',
      defaultBranch: 'main',
      archived: false,
      fork: false,
      topics: [],
      installationId: 1,
    });
    const rules = compileGuideline(guideline, { path: 'guidelines/performance.md' }).document!
      .rules;
    await t.db.transaction((tx) =>
      saveScanResults(tx, {
        repositoryId: 77,
        sha: 'b'.repeat(40),
        trigger: 'manual',
        deliveryId: null,
        startedAt: new Date(),
        results: [
          {
            guideline: 'performance',
            version: '1.0.0',
            tracks: ['latest'],
            summary: {},
            findings: rules.map((r) => ({
              ruleId: r.id,
              status: 'unchecked',
              level: r.level,
              message: 'x',
              evidence: [],
            })),
          },
        ],
      }),
    );
    const day = 86_400_000;
    await insertMeasuredValues(t.db, 77, [
      {
        ruleId: 'performance.api-response-times.bulk-operations',
        value: 900,
        unit: 'ms',
        source: 'report',
        what: 'stats.csv: POST /bulk p95',
        origin: 'stats.csv',
        window: '60s',
        measuredAt: new Date(Date.now() - 20 * day).toISOString(),
      },
      {
        ruleId: 'performance.api-response-times.file-uploads',
        value: 900,
        unit: 'ms',
        source: 'report',
        what: 'stats.csv: POST /upload p95',
        origin: 'stats.csv',
        window: '60s',
        measuredAt: new Date(Date.now() - 2 * day).toISOString(),
      },
    ]);
    runtime = await startMeasureRuntime({
      db: t.db,
      logger: silentLogger,
      connection: { url: REDIS_URL, maxRetriesPerRequest: null },
      prefix,
      everyMinutes: 60,
    });
  });
  after(async () => {
    await runtime?.close();
    await t?.drop();
    const redis = new Redis(REDIS_URL);
    await deletePrefixKeys(redis, prefix);
    redis.disconnect();
  });

  it('is a repeatable BullMQ job', async () => {
    const schedulers = await runtime.queue.getJobSchedulers();
    assert.equal(schedulers.length, 1);
    assert.equal(Number(schedulers[0]!.every), 60 * 60_000);
  });

  it('a run turns figures older than 14 days stale and keeps fresh ones', async () => {
    const r = await runtime.runOnce();
    assert.deepEqual(r, { repositories: 1, outages: 0 });
    const rows = await t.db.query<{ rule_id: string; status: string; message: string }>(
      `SELECT rule_id, status, message FROM rule_status WHERE rule_id LIKE 'performance.api-response-times.%'
       AND status <> 'unchecked' ORDER BY rule_id`,
    );
    assert.deepEqual(
      rows.rows.map((x) => [x.rule_id, x.status]),
      [
        ['performance.api-response-times.bulk-operations', 'stale'],
        ['performance.api-response-times.file-uploads', 'pass'],
      ],
    );
    assert.match(rows.rows[0]!.message, /older than 14 days: measure again/);
  });
});
