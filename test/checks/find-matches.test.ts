/**
 * findMatches against what `matchAll` finds (it runs exec on the expression itself), and the local
 * snapshot's file reading at the sizes that change how a file is read (one buffer, a bigger one,
 * over 1 MiB) and for binary files.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { findMatches } from '../../src/checks/find-matches.js';
import { readLocalSnapshot } from '../../src/cli/commands/scan.js';
import type { Check } from '../../src/checks/index.js';

describe('findMatches', () => {
  const cases: [string, RegExp][] = [
    ['a timeout=5\nb\ntimeout = 10\n', /timeout\s*=\s*\d+/g],
    ['xx\nyxx', /x*/g],
    ['😀a😀\n😀', /(?:)/gu],
    ['😀a😀\n😀', /(?:)/g],
    ['\n\n  SELECT * FROM t\n', /^\s*SELECT \* FROM/gm],
  ];
  for (const [text, re] of cases) {
    it(`finds what matchAll finds: /${re.source}/${re.flags}`, () => {
      const expected = [...text.matchAll(re)].slice(0, 50).map((m) => m[0]);
      const hits = findMatches('f.txt', text, re);
      assert.deepEqual(
        hits.map((h) => h.match),
        expected,
      );
      assert.equal(re.lastIndex, 0);
      // The expression is left as found: a second pass finds the same.
      assert.deepEqual(findMatches('f.txt', text, re), hits);
    });
  }

  it('stops at the limit and skips hits ignoreIf matches', () => {
    const text = 'get(a)\nget(b, timeout)\nget(c)\n';
    const hits = findMatches('f.py', text, /get\([^)]*\)/g, /timeout/, 1);
    assert.deepEqual(
      hits.map((h) => [h.line, h.match]),
      [[1, 'get(a)']],
    );
  });

  it('needs a global expression, as matchAll does', () => {
    assert.throws(() => findMatches('f', 'x', /x/), TypeError);
  });
});

describe('readLocalSnapshot', () => {
  it('loads text files of any size up to 1 MiB, not larger ones nor binary ones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'steering-read-'));
    try {
      const sizes = { 'small.py': 10, 'mid.py': 70_000, 'big.py': 600_000, 'edge.py': 1 << 20 };
      for (const [name, n] of Object.entries(sizes))
        writeFileSync(join(dir, name), 'x'.repeat(n - 1) + '\n');
      writeFileSync(join(dir, 'over.py'), 'x'.repeat((1 << 20) + 1));
      writeFileSync(join(dir, 'bin.py'), Buffer.from([0x61, 0, 0x62]));
      writeFileSync(join(dir, 'empty.py'), '');
      const check = { id: 'py', rule: 'r', type: 'file-exists', files: '**/*.py' } as Check;
      const { snapshot } = readLocalSnapshot(dir, [check]);
      for (const [name, n] of Object.entries(sizes)) assert.equal(snapshot.read(name)?.length, n);
      assert.equal(snapshot.read('over.py'), undefined);
      assert.equal(snapshot.read('bin.py'), undefined);
      assert.equal(snapshot.read('empty.py'), '');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
