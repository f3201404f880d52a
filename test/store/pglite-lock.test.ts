// The embedded database belongs to one process: a second open of the same directory is refused
// with a message naming the holder, and a lock left by a dead process is taken over.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openPgliteDatabase } from '../../src/store/index.js';

test('a second open of the same embedded database is refused until the first closes', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'steering-lock-'));
  try {
    const first = await openPgliteDatabase({ dataDir });
    assert.equal(readFileSync(join(dataDir, 'steering.pid'), 'utf8'), String(process.pid));
    await assert.rejects(openPgliteDatabase({ dataDir }), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'CONFLICT');
      assert.match(
        err.message,
        new RegExp(`in use by another steering process \\(pid ${process.pid}\\)`),
      );
      assert.match(err.message, /DATABASE_URL/);
      return true;
    });
    await first.close();
    const again = await openPgliteDatabase({ dataDir });
    assert.equal((await again.query<{ n: number }>('SELECT 1 AS n')).rows[0]?.n, 1);
    await again.close();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a lock left by a process that is gone is taken over', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'steering-lock-'));
  try {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'steering.pid'), '4194303'); // above Linux's pid_max: never alive
    const db = await openPgliteDatabase({ dataDir });
    assert.equal(readFileSync(join(dataDir, 'steering.pid'), 'utf8'), String(process.pid));
    await db.close();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
