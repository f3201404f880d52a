/**
 * Each room's public surface is its index.ts, and that surface changes only on purpose: the sorted
 * runtime exports of every room are kept in test/fixtures/room-exports.json. A new export (or a
 * removed one) fails here until the file is rewritten with `UPDATE=1 npm run test:only rooms` and
 * the diff reviewed.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { describe, it } from 'node:test';

const SRC = new URL('../../src/', import.meta.url);
const EXPECTED = new URL('../fixtures/room-exports.json', import.meta.url);
const rooms = readdirSync(SRC, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(new URL(`${d.name}/index.ts`, SRC)))
  .map((d) => d.name)
  .sort();

describe('room surfaces', () => {
  it('every room exports exactly the names recorded in room-exports.json', async () => {
    const actual: Record<string, string[]> = {};
    for (const room of rooms) {
      const mod = (await import(new URL(`${room}/index.ts`, SRC).href)) as Record<string, unknown>;
      actual[room] = Object.keys(mod).sort();
    }
    if (process.env.UPDATE) writeFileSync(EXPECTED, `${JSON.stringify(actual, null, 2)}\n`);
    const expected = JSON.parse(readFileSync(EXPECTED, 'utf8')) as Record<string, string[]>;
    assert.deepEqual(Object.keys(actual), Object.keys(expected).sort(), 'the same rooms');
    for (const room of rooms)
      assert.deepEqual(actual[room], expected[room], `src/${room}/index.ts`);
  });
});
