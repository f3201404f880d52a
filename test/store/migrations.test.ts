import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pendingMigrations, readMigrations, runMigrations } from '../../src/store/index.js';
import { SteeringError } from '../../src/errors.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

describe('migrations on PostgreSQL', () => {
  let t: TestDatabase;
  before(async () => {
    t = await createTestDatabase({ migrate: false, max: 6 });
  });
  after(() => t.drop());

  it('run up from an empty schema, once, even with concurrent runners', async () => {
    const all = readMigrations().map((m) => m.name);
    assert.ok(all.length >= 4);
    assert.deepEqual(await pendingMigrations(t.db), all);
    const results = await Promise.all([
      runMigrations(t.db),
      runMigrations(t.db),
      runMigrations(t.db),
    ]);
    // Every migration applied by exactly one of the runners.
    assert.deepEqual(results.flat().sort(), all);
    assert.deepEqual(await pendingMigrations(t.db), []);
    assert.deepEqual(await runMigrations(t.db), []);
    const tables = await t.db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1`,
    );
    const names = tables.rows.map((r) => r.table_name);
    for (const expected of [
      'adoptions',
      'api_tokens',
      'findings',
      'guideline_versions',
      'guidelines',
      'repositories',
      'rollout_targets',
      'rollouts',
      'rule_status',
      'rules',
      'scans',
      'schema_migrations',
      'waivers',
      'webhook_deliveries',
    ]) {
      assert.ok(names.includes(expected), `missing table ${expected}`);
    }
  });

  it('refuses a migration file that changed after it was applied', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'steering-mig-'));
    try {
      for (const m of readMigrations()) writeFileSync(join(dir, m.name), m.sql);
      const first = readMigrations()[0]!;
      writeFileSync(join(dir, first.name), `${first.sql}\n-- edited\n`);
      await assert.rejects(
        runMigrations(t.db, { dir }),
        (err: unknown) => err instanceof SteeringError && /append-only/.test(err.message),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('enforces the rollout target state enum and one target per repository', async () => {
    await t.db.query(`INSERT INTO repositories (id, owner, name) VALUES (1, 'acme', 'svc')`);
    await assert.rejects(
      t.db.query(`INSERT INTO repositories (id, owner, name) VALUES (2, 'ACME', 'svc')`),
      (err: unknown) => err instanceof SteeringError && err.code === 'CONFLICT',
    );
    await assert.rejects(
      t.db.query(`SELECT 'nonsense'::rollout_target_state`),
      (err: unknown) => err instanceof SteeringError && err.code === 'INVALID_INPUT',
    );
  });
});
