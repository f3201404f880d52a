// Styles the golden fixtures do not show on their own: bands, verdict tables (markdown and HTML),
// limits in a text block introduced as requirements, and ids that do not move with other rows.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileGuideline, diffRules, type Rule } from '../../src/guidelines/index.js';

const rulesOf = (markdown: string): Rule[] => {
  const r = compileGuideline(markdown, { path: 'doc.md' });
  assert.ok(r.document, JSON.stringify(r.diagnostics));
  return r.document.rules;
};

test('a band is a limit and a target: a ceiling keeps its high end, a floor its low end', () => {
  const rules = rulesOf(
    '# Perf\n\n## API latency\n\n- p95: 150-200ms\n- Availability: 99.9-99.99%\n',
  );
  assert.deepEqual(
    rules.map((r) => [
      r.id,
      r.threshold?.subject,
      r.threshold?.aggregate,
      r.threshold?.comparator,
      r.threshold?.value,
      r.threshold?.target,
      r.threshold?.unit,
    ]),
    [
      ['doc.api-latency.p95', 'API latency', 'p95', '<=', 200, 150, 'ms'],
      ['doc.api-latency.availability', 'Availability', undefined, '>=', 99.9, 99.99, '%'],
    ],
  );
});

test('a moved target alone is MINOR; a tightened limit stays MAJOR', () => {
  const before = rulesOf('# Perf\n\n## API latency\n\n- p95: 150-200ms\n');
  assert.equal(
    diffRules(before, rulesOf('# Perf\n\n## API latency\n\n- p95: 120-200ms\n')).bump,
    'minor',
  );
  assert.equal(
    diffRules(before, rulesOf('# Perf\n\n## API latency\n\n- p95: 150-180ms\n')).bump,
    'major',
  );
});

test('Bad/Good HTML tables: the examples of one row are one rule, verdicts from the headers', () => {
  const doc = [
    '# Go',
    '',
    '## Zero-value Mutexes',
    '',
    '<table>',
    '<thead><tr><th>Bad</th><th>Good</th></tr></thead>',
    '<tbody>',
    '<tr><td>',
    '',
    '```go',
    'mu := new(sync.Mutex)',
    '```',
    '',
    '</td><td>',
    '',
    '```go',
    'var mu sync.Mutex',
    '```',
    '',
    '</td></tr>',
    '</tbody></table>',
    '',
  ].join('\n');
  const [rule, ...rest] = rulesOf(doc);
  assert.equal(rest.length, 0);
  assert.equal(rule!.kind, 'example');
  assert.deepEqual(
    rule!.examples!.map((e) => [e.verdict, e.label, e.language, e.code]),
    [
      ['bad', 'Bad', 'go', 'mu := new(sync.Mutex)'],
      ['good', 'Good', 'go', 'var mu sync.Mutex'],
    ],
  );
});

test("Don't/Do and Wrong/Right markdown tables: one rule a row, the label decides the verdict", () => {
  const rules = rulesOf(
    [
      '# API',
      '',
      '## Paths',
      '',
      "| Don't | Do |",
      '| --- | --- |',
      '| Use camelCase paths | Use kebab-case paths |',
      '',
      '## Queries',
      '',
      '| Wrong | Right |',
      '| --- | --- |',
      // A right example may well contain SELECT *: the column decides, not the code.
      '| `SELECT name FROM t` | `SELECT * FROM t LIMIT 10` |',
      '',
    ].join('\n'),
  );
  assert.deepEqual(
    rules.map((r) => [r.statement, r.examples?.map((e) => e.verdict)]),
    [
      ['Use kebab-case paths', ['bad', 'good']],
      ['Prefer `SELECT * FROM t LIMIT 10` over `SELECT name FROM t`', ['bad', 'good']],
    ],
  );
  // A table whose headers are not verdicts gives no examples.
  const tools = compileGuideline('# T\n\n| Tool | Use |\n| --- | --- |\n| k6 | load tests |\n', {
    path: 'tools.md',
  });
  assert.equal(tools.document, null);
  assert.deepEqual(
    tools.diagnostics.map((d) => d.code),
    ['no-rules'],
  );
});

test('limits in a text block introduced as requirements are thresholds from code', () => {
  const rules = rulesOf(
    [
      '# SLOs',
      '',
      'Two prerequisites have to be met:',
      '',
      '```',
      'Prerequisites:',
      '   1. The cluster is available and serving.',
      '   2. Cluster churn is <= 20, where churn is defined as:',
      '     churn = #(pod creations) + #(requests) in a given second',
      '```',
      '',
    ].join('\n'),
  );
  assert.deepEqual(
    rules.map((r) => [
      r.kind,
      r.threshold?.subject,
      r.threshold?.comparator,
      r.threshold?.value,
      r.threshold?.unit,
      r.threshold?.fromCode,
      r.source.line,
    ]),
    [['threshold', 'Cluster churn', '<=', 20, '/s', true, 8]],
  );
});

test('a table row id is built from its own words, not from a noun borrowed from other rows', () => {
  const table = (rows: string) =>
    rulesOf(`# Limits\n\n| Quantity | Maximum |\n| --- | --- |\n${rows}| Total size | 1.5GB |\n`);
  const withCount = table('| Number of objects | 150000 |\n');
  const without = table('| Number of nodes | 5000 |\n');
  const total = (rules: Rule[]) => rules.find((r) => r.threshold?.unit === 'GB')!;
  assert.equal(total(withCount).threshold!.subject, 'Total size of objects');
  assert.equal(total(withCount).id, total(without).id);
});

test("the overview's own prose sets the level of unmarked imperatives; frontmatter wins", () => {
  const body = '## Caching\n\n- Use Redis for sessions\n- MUST set a TTL on every key\n';
  const overview = rulesOf(`# Practices\n\nTeams should follow these practices.\n\n${body}`);
  assert.deepEqual(
    overview.map((r) => [r.statement, r.level, r.levelSource]),
    [
      [
        'Use Redis for sessions',
        'SHOULD',
        'document default (overview: "Teams should follow these practices")',
      ],
      ['MUST set a TTL on every key', 'MUST', 'MUST'],
    ],
  );
  const front = rulesOf(
    `---\nlevel: MAY\n---\n# Practices\n\nTeams should follow these practices.\n\n${body}`,
  );
  assert.equal(front[0]!.level, 'MAY');
  // Said inside a section, it is that section's rule, not the document's default.
  const inSection = rulesOf(`# Practices\n\n${body}\nTeams SHOULD follow these practices.\n`);
  assert.equal(inSection[0]!.level, 'MUST');
});

test('list items: an order before a colon, verbs that are also nouns, and setting definitions', () => {
  const rules = rulesOf(
    [
      '# Config',
      '',
      '## Tips',
      '',
      '- When defining configurations, specify the latest stable API version.',
      '- Group related objects into a single file whenever it makes sense.',
      '- Group membership is synced hourly.',
      "- Don't specify default values unnecessarily: simple configuration makes errors less likely.",
      '- `imagePullPolicy: Never`: the image is assumed to exist locally.',
      '',
    ].join('\n'),
  );
  assert.deepEqual(
    rules.map((r) => r.source.line),
    [5, 6, 8],
  );
});

test('three reference configurations under one caption keep readable, distinct ids', () => {
  const block = (n: number) => `**Code**\n\n\`\`\`yaml\nreplicas: ${n}\n\`\`\`\n\n`;
  const ids = rulesOf(`# Deploy\n\n## Scaling\n\n${block(1)}${block(2)}${block(3)}`).map(
    (r) => r.id,
  );
  assert.equal(new Set(ids).size, 3);
  for (const id of ids) assert.match(id, /^doc\.code\.reference(?:-[0-9a-f]{6}(?:-\d+)?)?$/);
});
