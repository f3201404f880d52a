import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { compileGuideline, formatDiagnostic } from '../../src/guidelines/index.js';
import { loadChecks } from '../../src/checks/index.js';
import { makeRule } from './support.js';

const rules = [makeRule('demo.a')];
const REFERENCE_IDS = [
  'performance.resource-scaling-guidelines.reference',
  'performance.jvm-optimization.reference',
  'performance.micronaut-configuration.reference',
  'performance.ci-cd-integration.reference',
  'performance.key-performance-indicators.reference',
  'performance.load-testing-tools.reference',
  'performance.health-check-implementation.reference',
  'performance.connection-management.reference',
];

describe('loadChecks', () => {
  it('accepts the shipped performance checks: every rule id exists', () => {
    const doc = compileGuideline(readFileSync('guidelines/performance.md', 'utf8'), {
      path: 'guidelines/performance.md',
    }).document;
    assert.ok(doc);
    const loaded = loadChecks(
      readFileSync('guidelines/performance.checks.yaml', 'utf8'),
      doc.rules,
      'guidelines/performance.checks.yaml',
    );
    // Errors never; warnings only for reference rules (the guideline's prescribed configurations)
    // that this compiled version does not have yet.
    assert.deepEqual(
      loaded.diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
    const ids = new Set(doc.rules.map((r) => r.id));
    for (const d of loaded.diagnostics) assert.equal(d.code, 'CHECKS_UNKNOWN_RULE');
    assert.ok(loaded.checks.length >= 30);
    for (const c of loaded.checks)
      assert.ok(ids.has(c.rule) || REFERENCE_IDS.includes(c.rule), c.rule);
  });

  it('reports unknown rule ids at the value, with line and column', () => {
    const text = `guideline: demo
checks:
  - id: ok
    rule: demo.a
    description: d
    type: file-exists
    files: x
  - id: bad
    rule: demo.nope
    description: d
    type: file-exists
    files: x
`;
    const r = loadChecks(text, rules, 'demo.checks.yaml');
    assert.equal(r.ok, false);
    assert.deepEqual(
      r.diagnostics.map((d) => formatDiagnostic('demo.checks.yaml', d)),
      [
        'demo.checks.yaml:9:11: error CHECKS_UNKNOWN_RULE: unknown rule id "demo.nope" (not in guideline demo)',
      ],
    );
  });

  it('reports schema errors at the offending node', () => {
    const text = `guideline: demo
checks:
  - id: c1
    rule: demo.a
    description: d
    type: file-contains
    files: '**/*.py'
  - id: c2
    rule: demo.a
    description: d
    type: json-yaml-path
    files: x
    assert:
      - { path: a.b, comparator: '>=' }
  - id: c3
    rule: demo.a
    description: d
    type: no-such-type
`;
    const r = loadChecks(text, rules);
    assert.equal(r.ok, false);
    const lines = r.diagnostics.map((d) => `${d.line}:${d.column} ${d.code}`);
    assert.ok(
      lines.includes('3:5 CHECKS_SCHEMA'),
      `missing pattern reported at the check: ${lines.join(', ')}`,
    );
    assert.ok(
      lines.some((l) => l.startsWith('14:') && l.endsWith('CHECKS_SCHEMA')),
      `value required: ${lines.join(', ')}`,
    );
    assert.ok(
      lines.some((l) => l.startsWith('18:') && l.endsWith('CHECKS_SCHEMA')),
      `bad type: ${lines.join(', ')}`,
    );
  });

  it('reports invalid regexes, bad paths, duplicate ids and YAML syntax errors', () => {
    const text = `guideline: demo
checks:
  - { id: c, rule: demo.a, description: d, type: file-contains, files: x, pattern: 'a(' }
  - { id: c, rule: demo.a, description: d, type: json-yaml-path, files: x, assert: [{ path: 'a[', comparator: exists }] }
`;
    const r = loadChecks(text, rules);
    assert.deepEqual(
      r.diagnostics.map((d) => `${d.line} ${d.code}`),
      ['3 CHECKS_INVALID', '4 CHECKS_DUPLICATE_ID', '4 CHECKS_INVALID'],
    );
    const syntax = loadChecks('guideline: demo\nchecks: [\n', rules);
    assert.equal(syntax.ok, false);
    assert.equal(syntax.diagnostics[0]?.code, 'CHECKS_YAML');
  });
});
