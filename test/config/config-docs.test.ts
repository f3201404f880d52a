/**
 * A default is written once, in the zod schema of src/config.ts. The README's configuration table
 * is generated from that schema (name, default, description): this test fails while the two
 * differ, and `UPDATE=1 npm run test:only config-docs` rewrites the table for review.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { describeConfigVariables, loadConfig } from '../../src/config.js';

const README = new URL('../../README.md', import.meta.url);
const BEGIN =
  '<!-- config-table:begin (generated from src/config.ts by test/config/config-docs.test.ts) -->';
const END = '<!-- config-table:end -->';

function renderTable(): string {
  const rows = describeConfigVariables().map((v) => {
    const shown = v.default === 'unset' || v.default === 'empty' ? v.default : `\`${v.default}\``;
    return `| \`${v.name}\` | ${shown} | ${v.description.replaceAll('|', '\\|')} |`;
  });
  return ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n');
}

describe('configuration docs', () => {
  it('every variable has a description in the schema', () => {
    const missing = describeConfigVariables().filter((v) => !v.description.trim());
    assert.deepEqual(
      missing.map((v) => v.name),
      [],
      'add .describe("…") to these variables in src/config.ts',
    );
  });

  it("the README's table is the one generated from the schema", () => {
    const readme = readFileSync(README, 'utf8');
    const start = readme.indexOf(BEGIN);
    const end = readme.indexOf(END);
    assert.ok(start >= 0 && end > start, `README.md: the markers ${BEGIN} … ${END} are missing`);
    const current = readme.slice(start + BEGIN.length, end).trim();
    const table = renderTable();
    if (process.env.UPDATE && current !== table) {
      writeFileSync(
        README,
        `${readme.slice(0, start + BEGIN.length)}\n${table}\n${readme.slice(end)}`,
      );
      return;
    }
    assert.equal(
      current,
      table,
      'README.md differs from src/config.ts: run `UPDATE=1 npm run test:only config-docs` and review the diff',
    );
  });

  it('the documented defaults are what loadConfig gives for an empty environment', () => {
    const config = loadConfig({});
    const byName = new Map(describeConfigVariables().map((v) => [v.name, v.default]));
    assert.equal(byName.get('DB_POOL_MAX'), String(config.database.poolMax));
    assert.equal(byName.get('STEERING_PR_LABEL'), config.rollout.prLabel);
    assert.equal(byName.get('STEERING_ORGS'), 'empty');
    assert.deepEqual(config.rollout.orgs, []);
    assert.equal(byName.get('DATABASE_URL'), 'unset');
    assert.equal(config.database.url, undefined);
    assert.equal(byName.get('STEERING_MAX_DOCUMENT_BYTES'), '1048576');
    assert.equal(config.compile.maxBytes, 1048576);
  });
});
