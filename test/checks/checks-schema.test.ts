/**
 * The checks-file contract: schema/checks.schema.json is generated from the zod schemas (and up
 * to date), the shipped checks validate against it, and `steering lint` reports a misspelled check
 * type or an unknown field at its line and column.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { renderChecksSchema } from '../../src/checks/index.js';
import { cli } from '../support/run-cli.js';

describe('checks file schema', () => {
  it('schema/checks.schema.json is up to date, and the shipped checks validate against it', () => {
    const text = readFileSync('schema/checks.schema.json', 'utf8');
    assert.equal(text, renderChecksSchema(), 'schema/checks.schema.json is stale: npm run schema');
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const validate = ajv.compile(JSON.parse(text) as object);
    const shipped = parse(readFileSync('guidelines/performance.checks.yaml', 'utf8')) as unknown;
    assert.equal(validate(shipped), true, JSON.stringify(validate.errors?.slice(0, 3)));
    const misspelled = {
      guideline: 'g',
      checks: [
        { id: 'a', rule: 'g.r', description: 'd', type: 'file-contain', files: 'x', pattern: 'y' },
      ],
    };
    assert.equal(validate(misspelled), false);
  });

  it('steering lint: a misspelled type and an unknown field are errors at line:column', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'steering-lint-checks-'));
    try {
      writeFileSync(
        join(dir, 'demo.md'),
        '---\nid: demo\n---\n# Demo\n\n## Calls\n\n- **MUST** Set timeouts on outbound calls.\n',
      );
      writeFileSync(
        join(dir, 'demo.checks.yaml'),
        [
          'guideline: demo',
          'checks:',
          '  - id: a',
          '    rule: demo.calls.set-timeouts-outbound-calls',
          '    description: d',
          '    type: file-contain',
          "    files: '**/*.py'",
          "    pattern: 'timeout='",
          '',
        ].join('\n'),
      );
      const r = await cli(['lint', dir]);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /demo\.checks\.yaml:\d+:\d+: error CHECKS_SCHEMA/);
      assert.match(r.stdout, /1 checks file\(s\): [1-9]\d* error\(s\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
