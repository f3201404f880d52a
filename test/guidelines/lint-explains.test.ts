// Lint explains what it dropped: normative-looking lines that became no rule get a positioned
// warning saying why, and `explain` lists every candidate with its decision.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileGuideline } from '../../src/guidelines/index.js';

const doc = [
  '# API',
  '',
  '## Paths',
  '',
  ':white_check_mark: use kebab-case for path segments.',
  '',
  '| # | Note |',
  '| - | - |',
  '| 1.2.3 | short |',
  '',
  '- Use plural nouns for collections',
  '- Search latency: between 100 and 200ms',
  '',
].join('\n');

test('normative-looking lines that became no rule are positioned warnings with a reason', () => {
  const r = compileGuideline(doc, { path: 'api.md' });
  assert.equal(r.ok, true);
  const warnings = r.diagnostics.map((d) => [d.code, d.line, d.column]);
  assert.deepEqual(warnings, [
    ['not-a-rule', 5, 1],
    ['not-a-rule', 9, 1],
    ['threshold-unreadable', 12, 19],
  ]);
  assert.match(r.diagnostics[0]!.message, /marker but has no bold keyword/);
  assert.match(r.diagnostics[1]!.message, /looks like a requirement/);
  assert.deepEqual(
    r.document!.rules.map((x) => x.statement),
    ['Use plural nouns for collections'],
  );
});

test('explain lists every candidate and its decision, and only when asked', () => {
  const r = compileGuideline(doc, { path: 'api.md', explain: true });
  const decisions = r.explanation!.map((d) => [d.line, d.decision, d.recognizer]);
  assert.deepEqual(decisions, [
    [11, 'rule', 'list-items'],
    [12, 'not a rule', 'list-items'],
  ]);
  assert.equal(compileGuideline(doc, { path: 'api.md' }).explanation, undefined);
});

test('a document with no rules names what it saw and the styles that would read it', () => {
  const r = compileGuideline('# Notes\n\n| a | b |\n| - | - |\n| x | y |\n\nWe met on Tuesday.\n', {
    path: 'n.md',
  });
  assert.equal(r.ok, false);
  const d = r.diagnostics.find((x) => x.code === 'no-rules')!;
  assert.match(d.message, /saw 1 paragraph\(s\), 1 table\(s\)/);
  assert.match(d.message, /requirement tables/);
});
