// Rule ids: readable, short, free of emoji words and threshold numbers, author ids first, and
// stable — rewording, adding or removing one rule never changes another rule's id.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { compileGuideline } from '../../src/guidelines/index.js';

const ids = (md: string) => {
  const r = compileGuideline(md, { path: 'g.md' });
  assert.ok(r.document, JSON.stringify(r.diagnostics));
  return r.document.rules;
};

test('slugs drop emoji words and the threshold number, and stay within about 60 characters', () => {
  const rules = ids(
    [
      '# G',
      '## Api',
      ':white_check_mark: **DO** return a `Location` header for created resources.',
      '',
      '✅ **DO** keep request handlers free of blocking calls.',
      '',
      '- Max request body: 10 MB',
      '- Implement exponential backoff with jitter for every retry of every idempotent request to any upstream dependency',
    ].join('\n'),
  );
  assert.deepEqual(
    rules.map((r) => r.id),
    [
      'g.api.do-return-location-header-created',
      'g.api.do-keep-request-handlers-free',
      'g.api.request-body',
      'g.api.implement-exponential-backoff-jitter-every',
    ],
  );
  for (const r of rules) assert.ok(r.id.split('.').pop()!.length <= 60);
  assert.deepEqual(
    rules[2]!.threshold && [rules[2]!.threshold.comparator, rules[2]!.threshold.value],
    ['<=', 10],
  );
});

test('a changed threshold keeps its id (100 → 50 is tightened, not removed and added)', () => {
  const a = ids(
    '# G\n\n## Login\n\nClients MUST NOT make more than 100 failed attempts per hour.\n',
  );
  const b = ids(
    '# G\n\n## Login\n\nClients MUST NOT make more than 50 failed attempts per hour.\n',
  );
  assert.equal(a[0]!.id, b[0]!.id);
  assert.doesNotMatch(a[0]!.id, /100/);
});

test('author ids win: anchors, {#x}, requirement numbers', () => {
  const rules = ids(
    [
      '# G',
      '## Naming',
      '<a name="naming-lowercase"></a>',
      ':white_check_mark: **DO** use lower case for path segments.',
      '',
      '### MUST use kebab-case for query parameters [130]',
      '',
      '### Use plural nouns for collections {#plural}',
    ].join('\n'),
  );
  assert.deepEqual(
    rules.map((r) => [r.id, r.pinned]),
    [
      ['g.naming-lowercase', true],
      ['g.130', true],
      ['g.plural', true],
    ],
  );
});

test('duplicate author ids are an error naming both positions', () => {
  const bad = compileGuideline(
    '# G\n\n<a name="x"></a>\n**DO** use one.\n\n<a name="x"></a>\n**DO** use two.\n',
    { path: 'g.md' },
  );
  assert.equal(bad.ok, false);
  const d = bad.diagnostics.find((x) => x.code === 'duplicate-id')!;
  assert.match(d.message, /"g\.x" is used twice, at line 3:1 and line 6:1/);
  assert.equal(d.line, 6);
});

test('equal slugs: the first keeps its id, the later one takes more of its own words', () => {
  const rules = ids(
    '# G\n\n## Logs\n\n- Use structured logging in every service for errors\n- Use structured logging in every service for audit events\n',
  );
  assert.deepEqual(
    rules.map((r) => r.id),
    [
      'g.logs.use-structured-logging-every-service',
      'g.logs.use-structured-logging-every-service-audit-events',
    ],
  );
});

// A document of rules in a few sections: bullets, thresholds and keyword sentences.
const WORDS = ['cache', 'queue', 'token', 'schema', 'index', 'retry', 'trace', 'alert', 'quota'];
const ruleArb = fc.record({
  kind: fc.constantFrom('bullet', 'threshold', 'sentence'),
  section: fc.integer({ min: 0, max: 2 }),
  words: fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 3 }),
  value: fc.integer({ min: 1, max: 999 }),
});
type RuleSpec = { kind: string; section: number; words: string[]; value: number };

function render(rules: ReadonlyArray<RuleSpec & { tag: number }>): string {
  const out = ['# Generated'];
  for (let s = 0; s < 3; s++) {
    out.push('', `## Section ${['one', 'two', 'three'][s]}`, '');
    for (const r of rules.filter((x) => x.section === s)) {
      const name = `${r.words.join(' ')} w${r.tag}x`;
      if (r.kind === 'bullet') out.push(`- Use ${name} everywhere`);
      if (r.kind === 'threshold') out.push(`- ${name} latency: < ${r.value}ms`);
      if (r.kind === 'sentence')
        out.push(`- The ${name} MUST be kept for at least ${r.value} days`);
    }
  }
  return `${out.join('\n')}\n`;
}

const idsByTag = (rules: ReadonlyArray<RuleSpec & { tag: number }>) => {
  const doc = compileGuideline(render(rules), { path: 'g.md' }).document!;
  const map = new Map<number, string>();
  for (const r of doc.rules) {
    const tag = /w(\d+)x/.exec(r.statement)?.[1];
    if (tag) map.set(Number(tag), r.id);
  }
  return map;
};

type Edit = 'reword' | 'add' | 'remove';
type Tagged = RuleSpec & { tag: number };

function applyEdit(rules: Tagged[], edit: Edit, target: number, extra: RuleSpec): Tagged[] {
  if (edit === 'remove') return rules.filter((_, i) => i !== target);
  if (edit === 'add') {
    const edited = [...rules];
    edited.splice(target, 0, { ...extra, tag: rules.length });
    return edited;
  }
  return rules.map((r, i) =>
    i === target
      ? { ...r, words: [...r.words].reverse().concat('renamed'), value: r.value + 1 }
      : r,
  );
}

// Each generated document is compiled once and then edited all three ways (four compiles for three
// checked edits, where one edit per document took two): as many documents per kind of edit as
// 150 runs of one random edit gave, in two thirds of the compiles.
test("property: rewording, adding or removing one rule never changes another rule's id", () => {
  fc.assert(
    fc.property(
      fc.array(ruleArb, { minLength: 2, maxLength: 12 }),
      fc.nat(),
      ruleArb,
      (specs, pick, extra) => {
        const rules = specs.map((s, i) => ({ ...s, tag: i }));
        const target = pick % rules.length;
        const before = idsByTag(rules);
        for (const edit of ['reword', 'add', 'remove'] as const) {
          const edited = applyEdit(rules, edit, target, extra);
          const after = idsByTag(edited);
          // Only a rule with the same words, kind and section can share the edited rule's slug;
          // the first of equal slugs keeps it, so those (and only those) may move. All others
          // must not.
          const edits = [rules[target]!, edited.find((r) => r.tag === rules[target]!.tag), extra];
          const mayShare = (r: RuleSpec) =>
            edits.some(
              (e) =>
                e &&
                (edit === 'add' || e !== extra) &&
                e.kind === r.kind &&
                e.section === r.section &&
                e.words.join(' ') === r.words.join(' '),
            );
          for (const r of rules) {
            if (r.tag === rules[target]!.tag || mayShare(r)) continue;
            assert.equal(
              after.get(r.tag),
              before.get(r.tag),
              `rule w${r.tag}x changed id after ${edit}`,
            );
          }
        }
      },
    ),
    { numRuns: 50 },
  );
});
