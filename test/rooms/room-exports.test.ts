/**
 * Each room's public surface is its index.ts, and that surface changes only on purpose: the sorted
 * runtime exports of every room are kept in test/fixtures/room-exports.json. A new export (or a
 * removed one) fails here until the file is rewritten with `UPDATE=1 npm run test:only rooms` and
 * the diff reviewed.
 *
 * The names come from esbuild (the transform tsx runs the sources with) linking each room's
 * index.ts the way the ESM loader does, `export *` and re-exports included, with packages left
 * external: the same names an import would see, without loading Express, BullMQ, the AST engines
 * and the rest, which took most of the unit suite's time.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { build } from 'esbuild';

const SRC = new URL('../../src/', import.meta.url);
const EXPECTED = new URL('../fixtures/room-exports.json', import.meta.url);
const rooms = readdirSync(SRC, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(new URL(`${d.name}/index.ts`, SRC)))
  .map((d) => d.name)
  .sort();

/** Each room's exported names, sorted, from one in-memory bundle per room (nothing written). */
async function roomExports(): Promise<Record<string, string[]>> {
  const result = await build({
    entryPoints: rooms.map((room) => ({
      in: fileURLToPath(new URL(`${room}/index.ts`, SRC)),
      out: room,
    })),
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    outdir: 'room-exports',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  assert.deepEqual(result.errors, []);
  const byRoom: Record<string, string[]> = {};
  for (const [file, output] of Object.entries(result.metafile.outputs)) {
    const room = /^room-exports\/(.+)\.js$/.exec(file)?.[1];
    if (room && output.entryPoint) byRoom[room] = [...output.exports].sort();
  }
  return Object.fromEntries(rooms.map((room) => [room, byRoom[room] ?? []]));
}

describe('room surfaces', () => {
  it('every room exports exactly the names recorded in room-exports.json', async () => {
    const actual = await roomExports();
    if (process.env.UPDATE) writeFileSync(EXPECTED, `${JSON.stringify(actual, null, 2)}\n`);
    const expected = JSON.parse(readFileSync(EXPECTED, 'utf8')) as Record<string, string[]>;
    assert.deepEqual(Object.keys(actual), Object.keys(expected).sort(), 'the same rooms');
    for (const room of rooms)
      assert.deepEqual(actual[room], expected[room], `src/${room}/index.ts`);
  });
});
