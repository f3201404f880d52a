// diffRules and the compliance-semver bump: examples and property-based laws (fast-check).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  compileGuideline,
  diffRules,
  nextVersion,
  compareVersions,
  type Rule,
} from '../../src/guidelines/index.js';

const doc = (body: string) => {
  const r = compileGuideline(`# Latency\n\n## Targets\n\n${body}\n`, { path: 'latency.md' });
  assert.ok(r.document, JSON.stringify(r.diagnostics));
  return r.document.rules;
};

test('identical documents: no bump, empty changelog', () => {
  const rules = doc('- Health checks: < 50ms\n- Use timeouts');
  assert.deepEqual(diffRules(rules, rules), { added: [], removed: [], changed: [], bump: 'none' });
});

test('a tightened threshold is MAJOR and names the field change', () => {
  const c = diffRules(doc('- Health checks: < 50ms'), doc('- Health checks: < 40ms'));
  assert.equal(c.bump, 'major');
  assert.equal(c.changed.length, 1);
  assert.equal(c.changed[0]!.id, 'latency.targets.health-checks');
  assert.deepEqual(
    c.changed[0]!.changes.find((f) => f.field === 'threshold.value'),
    { field: 'threshold.value', from: 50, to: 40 },
  );
});

test('units are compared in one base: 1s → 900ms tightens, 500ms → 1s relaxes', () => {
  assert.equal(diffRules(doc('- Call: < 1s'), doc('- Call: < 900ms')).bump, 'major');
  assert.equal(diffRules(doc('- Call: < 500ms'), doc('- Call: < 1s')).bump, 'minor');
});

test('floors tighten upwards: availability 99.9% → 99.95% is MAJOR', () => {
  assert.equal(
    diffRules(doc('- Availability: 99.9%'), doc('- Availability: 99.95%')).bump,
    'major',
  );
  assert.equal(
    diffRules(doc('- Availability: 99.95%'), doc('- Availability: 99.9%')).bump,
    'minor',
  );
});

test('new MUST is MAJOR, new SHOULD/MAY is MINOR, removal is MINOR', () => {
  const base = doc('- Use timeouts');
  assert.equal(diffRules(base, doc('- Use timeouts\n- Use retries')).bump, 'major');
  assert.equal(
    diffRules(base, doc('- Use timeouts\n- Keep-alive connections preferred')).bump,
    'minor',
  );
  assert.equal(diffRules(base, doc('- Use timeouts\n- Consider caching')).bump, 'minor');
  assert.equal(diffRules(doc('- Use timeouts\n- Use retries'), base).bump, 'minor');
});

test('level raised is MAJOR, lowered is MINOR (pinned id keeps the rule)', () => {
  const should = doc('- Retries SHOULD use backoff <!-- steering-id: backoff -->');
  const must = doc('- Retries MUST use backoff <!-- steering-id: backoff -->');
  assert.equal(diffRules(should, must).bump, 'major');
  assert.equal(diffRules(must, should).bump, 'minor');
});

test('wording of a pinned rule and examples only are PATCH', () => {
  const a = doc('- Use timeouts on calls <!-- steering-id: timeouts -->');
  const b = doc('- Use timeouts on every outbound call <!-- steering-id: timeouts -->');
  const c = diffRules(a, b);
  assert.equal(c.bump, 'patch');
  assert.equal(c.changed[0]!.id, 'latency.timeouts');
  const ex1 = doc('```sql\n-- BAD: Avoid SELECT * [steering-id: star]\nSELECT * FROM a;\n```');
  const ex2 = doc('```sql\n-- BAD: Avoid SELECT * [steering-id: star]\nSELECT * FROM b;\n```');
  assert.equal(diffRules(ex1, ex2).bump, 'patch');
});

test('a higher percentile for an upper bound tightens', () => {
  assert.equal(
    diffRules(doc('- Latency: p95 < 200ms'), doc('- Latency: p99 < 200ms')).bump,
    'major',
  );
  assert.equal(
    diffRules(doc('- Latency: p99 < 200ms'), doc('- Latency: p95 < 200ms')).bump,
    'minor',
  );
});

test('nextVersion and compareVersions', () => {
  assert.equal(nextVersion(null, 'patch'), '1.0.0');
  assert.equal(nextVersion('1.2.3', 'major'), '2.0.0');
  assert.equal(nextVersion('1.2.3', 'minor'), '1.3.0');
  assert.equal(nextVersion('1.2.3', 'patch'), '1.2.4');
  assert.equal(nextVersion('1.2.3', 'none'), '1.2.3');
  assert.ok(compareVersions('1.10.0', '1.9.9') > 0);
  assert.throws(() => nextVersion('v1', 'major'), /not a version/);
});

// Property-based laws over generated threshold documents.
const comparator = fc.constantFrom('<', '>');
const value = fc.integer({ min: 1, max: 10_000 });
const subjects = fc.uniqueArray(
  fc.constantFrom('Reads', 'Writes', 'Search', 'Exports', 'Uploads', 'Health'),
  { minLength: 1, maxLength: 6 },
);
const thresholdDoc = fc
  .tuple(subjects, fc.array(fc.tuple(comparator, value), { minLength: 6, maxLength: 6 }))
  .map(([names, specs]) =>
    names.map((n, i) => `- ${n}: ${specs[i]![0]} ${specs[i]![1]}ms`).join('\n'),
  );

test('law: diff(a, a) is empty', () => {
  fc.assert(
    fc.property(thresholdDoc, (body) => {
      const rules = doc(body);
      const c = diffRules(rules, rules);
      return c.bump === 'none' && c.added.length + c.removed.length + c.changed.length === 0;
    }),
    { numRuns: 60 },
  );
});

test('law: tightening then relaxing the same threshold is MAJOR then MINOR', () => {
  fc.assert(
    fc.property(comparator, value, fc.integer({ min: 1, max: 500 }), (cmp, v, delta) => {
      const loose = cmp === '<' ? v + delta : v;
      const tight = cmp === '<' ? v : v + delta;
      const a = doc(`- Reads: ${cmp} ${loose}ms`);
      const b = doc(`- Reads: ${cmp} ${tight}ms`);
      return diffRules(a, b).bump === 'major' && diffRules(b, a).bump === 'minor';
    }),
    { numRuns: 100 },
  );
});

test('law: the bump is the largest bump of its parts, and removing every rule is MINOR', () => {
  const order = { none: 0, patch: 1, minor: 2, major: 3 } as const;
  fc.assert(
    fc.property(thresholdDoc, thresholdDoc, (x, y) => {
      const a: Rule[] = doc(x);
      const b: Rule[] = doc(y);
      const c = diffRules(a, b);
      const parts = [...c.added, ...c.removed, ...c.changed].map((p) => order[p.bump]);
      return order[c.bump] === Math.max(0, ...parts) && diffRules(a, []).bump === 'minor';
    }),
    { numRuns: 60 },
  );
});
