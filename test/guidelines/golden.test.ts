// Golden fixtures: test/fixtures/guidelines/<case>/input.md compiles to the reviewed rules.json
// (the document, or null) and diagnostics.json. `UPDATE=1 npm test` rewrites them; review the diff.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { compileGuideline, GuidelineDocumentSchema } from '../../src/guidelines/index.js';

const root = 'test/fixtures/guidelines';
const update = process.env.UPDATE === '1';

for (const name of readdirSync(root).sort()) {
  test(`golden: ${name}`, () => {
    const dir = join(root, name);
    const input = readFileSync(join(dir, 'input.md'));
    const result = compileGuideline(input, { path: `${name}.md` });
    if (result.document) GuidelineDocumentSchema.parse(result.document);
    const actual = {
      'rules.json': `${JSON.stringify(result.document, null, 2)}\n`,
      'diagnostics.json': `${JSON.stringify(result.diagnostics, null, 2)}\n`,
    };
    for (const [file, text] of Object.entries(actual)) {
      const path = join(dir, file);
      if (update || !existsSync(path)) writeFileSync(path, text);
      assert.equal(
        text,
        readFileSync(path, 'utf8'),
        `${path} differs (UPDATE=1 npm test rewrites it; review the diff)`,
      );
    }
  });
}
