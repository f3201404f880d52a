// schema/*.json are generated from the zod schemas; they must match (run `npm run schema`).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { renderSchemas } from '../../src/guidelines/index.js';

test('schema/*.json are up to date with the zod schemas', () => {
  for (const [file, text] of Object.entries(renderSchemas())) {
    assert.equal(
      readFileSync(`schema/${file}`, 'utf8'),
      text,
      `schema/${file} is stale: run npm run schema`,
    );
  }
});
