// The platform team's real performance guideline: every threshold with the right fields, every
// imperative practice, the BAD SELECT * example, and none of the narrative or tool lists.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { compileGuideline, type Rule } from '../../src/guidelines/index.js';

const result = compileGuideline(readFileSync('guidelines/performance.md'), {
  path: 'guidelines/performance.md',
});
const rules = result.document?.rules ?? [];
const byId = new Map(rules.map((r) => [r.id, r]));
const get = (id: string): Rule => {
  const r = byId.get(`performance.${id}`);
  assert.ok(r, `rule performance.${id} missing; have: ${[...byId.keys()].join(', ')}`);
  return r;
};

test('compiles with only the double-encoding warning', () => {
  assert.equal(result.ok, true);
  assert.deepEqual(
    result.diagnostics.map((d) => [d.severity, d.code, d.line, d.column]),
    [['warning', 'double-encoded', 612, 12]],
  );
});

const thresholds: Array<[string, Partial<NonNullable<Rule['threshold']>>]> = [
  [
    'api-response-times.health-checks',
    {
      subject: 'Health checks',
      comparator: '<',
      value: 50,
      unit: 'ms',
      aggregate: 'p95',
      metric: 'response_time',
    },
  ],
  [
    'api-response-times.simple-queries',
    { comparator: '<', value: 200, unit: 'ms', aggregate: 'p95' },
  ],
  [
    'api-response-times.complex-queries',
    { comparator: '<', value: 500, unit: 'ms', aggregate: 'p95' },
  ],
  [
    'api-response-times.data-mutations',
    { comparator: '<', value: 300, unit: 'ms', aggregate: 'p95' },
  ],
  [
    'api-response-times.bulk-operations',
    { comparator: '<', value: 2000, unit: 'ms', aggregate: 'p95' },
  ],
  [
    'api-response-times.file-uploads',
    {
      comparator: '<',
      value: 5000,
      unit: 'ms',
      aggregate: 'p95',
      qualifier: 'excluding transfer time',
    },
  ],
  [
    'database-query-performance.simple-select-queries',
    { comparator: '<', value: 10, unit: 'ms', metric: 'query_time' },
  ],
  [
    'database-query-performance.complex-queries-with-joins',
    { comparator: '<', value: 100, unit: 'ms' },
  ],
  ['database-query-performance.write-operations', { comparator: '<', value: 50, unit: 'ms' }],
  ['database-query-performance.bulk-operations', { comparator: '<', value: 1000, unit: 'ms' }],
  ['external-service-calls.internal-service-calls', { comparator: '<', value: 100, unit: 'ms' }],
  ['external-service-calls.third-party-api-calls', { comparator: '<', value: 2000, unit: 'ms' }],
  [
    'cpu-utilization.normal-operation',
    { comparator: '<', value: 70, unit: '%', metric: 'cpu_utilization' },
  ],
  ['cpu-utilization.peak-load', { comparator: '<', value: 85, unit: '%' }],
  ['cpu-utilization.sustained-high-load', { comparator: '<', value: 80, unit: '%' }],
  [
    'cpu-utilization.alert-threshold',
    {
      comparator: '>',
      value: 90,
      unit: '%',
      duration: { value: 5, unit: 'min', text: 'for 5 minutes' },
    },
  ],
  [
    'memory-utilization.normal-operation',
    { comparator: '<', value: 70, unit: '%', metric: 'memory_utilization' },
  ],
  ['memory-utilization.peak-load', { comparator: '<', value: 85, unit: '%' }],
  [
    'memory-utilization.memory-leak-detection',
    {
      comparator: '>',
      value: 90,
      unit: '%',
      duration: { value: 10, unit: 'min', text: 'for 10 minutes' },
    },
  ],
  [
    'memory-utilization.garbage-collection-impact',
    { comparator: '<', value: 5, unit: '%', qualifier: 'of CPU time' },
  ],
  [
    'network-utilization.bandwidth-utilization',
    { comparator: '<', value: 80, unit: '%', qualifier: 'of available' },
  ],
  ['network-utilization.connection-pool-utilization', { comparator: '<', value: 80, unit: '%' }],
  [
    'service-level-agreements.api-availability',
    { comparator: '>=', value: 99.9, unit: '%', metric: 'availability' },
  ],
  [
    'service-level-agreements.response-time',
    { comparator: '<', value: 500, unit: 'ms', aggregate: 'p95' },
  ],
  [
    'service-level-agreements.error-rate',
    { comparator: '<', value: 0.1, unit: '%', qualifier: 'for 4xx/5xx errors' },
  ],
  [
    'service-level-agreements.recovery-time',
    { comparator: '<', value: 5, unit: 'min', qualifier: 'for service restoration' },
  ],
];

test('every threshold, with subject, comparator, value, unit, aggregate and duration', () => {
  for (const [id, expected] of thresholds) {
    const r = get(id);
    assert.equal(r.kind, 'threshold', id);
    assert.equal(r.level, 'MUST', id);
    for (const [field, value] of Object.entries(expected)) {
      assert.deepEqual(
        r.threshold?.[field as keyof typeof expected],
        value,
        `${id}: threshold.${field}`,
      );
    }
  }
  assert.equal(
    rules.filter((r) => r.kind === 'threshold').length,
    thresholds.length,
    'no extra thresholds',
  );
  // Only the API Response Times bullets and the SLA carry an aggregate.
  for (const r of rules.filter((x) => x.threshold?.aggregate)) {
    assert.match(r.id, /api-response-times|service-level-agreements.response-time/);
  }
});

test('CPU and memory "Normal operation" are two rules', () => {
  assert.notEqual(
    get('cpu-utilization.normal-operation').id,
    get('memory-utilization.normal-operation').id,
  );
});

test('every imperative practice, with inferred levels', () => {
  const practices = rules.filter((r) => r.kind === 'practice').map((r) => [r.statement, r.level]);
  assert.deepEqual(practices, [
    ['Implement timeouts for all external calls', 'MUST'],
    ['Use circuit breakers for unreliable services', 'MUST'],
    ['Keep-alive connections preferred', 'SHOULD'],
    ['Implement connection pooling for databases', 'MUST'],
    ['Create indexes on frequently queried columns', 'MUST'],
    ['Use composite indexes for multi-column queries', 'MUST'],
    ['Monitor index usage and remove unused indexes', 'MUST'],
    ['Consider partial indexes for filtered queries', 'MAY'],
  ]);
});

test('the BAD SELECT * example carries its code and language', () => {
  const r = get('query-optimization.avoid-select');
  assert.equal(r.kind, 'example');
  assert.equal(r.statement, 'Avoid SELECT *');
  assert.deepEqual(r.examples, [
    {
      verdict: 'bad',
      label: 'Avoid SELECT *',
      language: 'sql',
      code: "SELECT * FROM users WHERE email LIKE '%@example.com';",
    },
  ]);
  assert.deepEqual(r.source, { line: 62, column: 1 });
});

test('the double-encoded O(n²) is repaired in rule text', () => {
  assert.equal(
    get('algorithm-optimization.avoid-o-n2-nested-loops').statement,
    'Avoid O(n²) nested loops',
  );
});

test('no narrative, definitions, report lists or tool lists', () => {
  const text = rules.map((r) => r.statement).join('\n');
  for (const noise of [
    'New Relic',
    'Locust',
    'pganalyze',
    'Micrometer',
    'Normal expected load',
    'Response time trends',
    'Performance monitoring insights',
    'This document',
    'Updates are automatically',
  ]) {
    assert.ok(!text.includes(noise), `"${noise}" should not be a rule`);
  }
  assert.ok(
    rules.every(
      (r) =>
        !r.section.some((s) =>
          /Resources and Tools|Updates and Maintenance|Performance Reporting/.test(s),
        ),
    ),
  );
});

test('ids are unique and stable under reordering and additions', () => {
  assert.equal(new Set(rules.map((r) => r.id)).size, rules.length);
  const source = readFileSync('guidelines/performance.md', 'utf8');
  const reordered = source
    .replace(
      '- Health checks: < 50ms\n- Simple queries (single record): < 200ms\n',
      '- Simple queries (single record): < 200ms\n- Health checks: < 50ms\n',
    )
    .replace(
      '- Use circuit breakers for unreliable services\n',
      '- Use circuit breakers for unreliable services\n- Use bulkheads for shared pools\n',
    );
  assert.notEqual(reordered, source);
  const again = compileGuideline(reordered, { path: 'guidelines/performance.md' }).document!.rules;
  const ids = new Set(again.map((r) => r.id));
  for (const r of rules) assert.ok(ids.has(r.id), `${r.id} changed`);
  assert.equal(again.length, rules.length + 1);
});

test('captioned code blocks are reference rules with their code, language and values', () => {
  for (const id of [
    'resource-scaling-guidelines',
    'jvm-optimization',
    'micronaut-configuration',
    'ci-cd-integration',
    'key-performance-indicators',
    'load-testing-tools',
    'health-check-implementation',
    'connection-management',
  ]) {
    const r = get(`${id}.reference`);
    assert.equal(r.kind, 'reference', id);
    assert.ok(r.reference && r.reference.code.length > 0, id);
  }
  const hpa = get('resource-scaling-guidelines.reference').reference!;
  assert.equal(hpa.caption, 'Resource Scaling Guidelines');
  assert.equal(hpa.language, 'yaml');
  assert.equal(hpa.values['spec.minReplicas'], 2);
  assert.equal(hpa.values['spec.metrics[0].resource.target.averageUtilization'], 70);
  const jvm = get('jvm-optimization.reference').reference!;
  assert.equal(jvm.values['-XX:+UseG1GC'], true);
  assert.equal(jvm.values['-Xmx'], '4g');
  assert.equal(jvm.values['-XX:MaxGCPauseMillis'], 200);
  assert.equal(
    get('micronaut-configuration.reference').reference!.values[
      'micronaut.http.client.pool.max-connections'
    ],
    50,
  );
  assert.equal(get('connection-management.reference').reference!.values['pool_size'], 20);
  // Marked blocks stay examples, never references.
  assert.ok(!byId.has('performance.query-optimization.reference'));
  assert.ok(!byId.has('performance.algorithm-optimization.reference'));
});
