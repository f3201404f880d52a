// The threshold grammar, one test per shape the guidelines use.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseThreshold, findAggregate } from '../../src/guidelines/parse-threshold.js';
import { findProseThresholds } from '../../src/guidelines/find-prose-threshold.js';

const cases: Array<[string, Record<string, unknown>]> = [
  ['< 50ms', { comparator: '<', value: 50, unit: 'ms' }],
  [
    '> 90% for 5 minutes',
    {
      comparator: '>',
      value: 90,
      unit: '%',
      duration: { value: 5, unit: 'min', text: 'for 5 minutes' },
    },
  ],
  ['99.9% uptime', { value: 99.9, unit: '%', qualifier: 'uptime' }],
  ['95th percentile < 500ms', { aggregate: 'p95', comparator: '<', value: 500, unit: 'ms' }],
  [
    '< 0.1% for 4xx/5xx errors',
    { comparator: '<', value: 0.1, unit: '%', qualifier: 'for 4xx/5xx errors' },
  ],
  [
    '< 5 minutes for service restoration',
    { comparator: '<', value: 5, unit: 'min', qualifier: 'for service restoration' },
  ],
  [
    '< 5000ms (excluding transfer time)',
    { comparator: '<', value: 5000, unit: 'ms', qualifier: 'excluding transfer time' },
  ],
  ['< 5% of CPU time', { comparator: '<', value: 5, unit: '%', qualifier: 'of CPU time' }],
  ['< 80% of available', { comparator: '<', value: 80, unit: '%', qualifier: 'of available' }],
  ['≤ 1 s', { comparator: '<=', value: 1, unit: 's' }],
  ['at least 2 seconds', { comparator: '>=', value: 2, unit: 's' }],
  ['> 1,000 requests/second', { comparator: '>', value: 1000, unit: 'req/s' }],
  ['p99 <= 250 ms', { aggregate: 'p99', comparator: '<=', value: 250, unit: 'ms' }],
  ['under 30 s', { comparator: '<', value: 30, unit: 's' }],
  ['< 512MB', { comparator: '<', value: 512, unit: 'MB' }],
  // A band: the value is the high end until the compiler knows ceiling from floor.
  ['150-200ms', { value: 200, band: { low: 150, high: 200 }, unit: 'ms' }],
  ['300 to 500 ms', { value: 500, band: { low: 300, high: 500 }, unit: 'ms' }],
  ['99.9–99.99%', { value: 99.99, band: { low: 99.9, high: 99.99 }, unit: '%' }],
  [
    'within 300 ms at the 99th percentile',
    { comparator: '<=', value: 300, unit: 'ms', qualifier: 'at the 99th percentile' },
  ],
];

for (const [text, expected] of cases) {
  test(`threshold: ${text}`, () => {
    assert.deepEqual(parseThreshold(text), expected);
  });
}

test('threshold: text with no number is not a threshold', () => {
  assert.equal(parseThreshold('fast enough'), undefined);
  assert.equal(parseThreshold('between 100 and 200ms')?.comparator, undefined);
});

test('aggregates named in headings', () => {
  assert.equal(findAggregate('API Response Times (95th percentile)'), 'p95');
  assert.equal(findAggregate('Latency (p99)'), 'p99');
  assert.equal(findAggregate('median latency'), 'p50');
  assert.equal(findAggregate('CPU Utilization'), undefined);
});

test('prose: the size of secret material is a floor, beside the other limits of the sentence', () => {
  const found = findProseThresholds(
    'Verify that lookup secrets with less than 112 bits of entropy are hashed with an algorithm that incorporates a 32-bit random salt.',
  );
  assert.deepEqual(
    found.map((f) => [f.subject, f.parsed.comparator, f.parsed.value, f.parsed.unit]),
    [
      ['lookup secrets', '<', 112, 'bits'],
      ['random salt', '>=', 32, 'bits'],
    ],
  );
  // After an imperative, the gerund's object is the subject.
  assert.equal(
    findProseThresholds('Consider also using a code with at least 64 bits of entropy.')[0]?.subject,
    'code',
  );
  // A duration before a timeout stays a ceiling, and only where no other limit is written.
  assert.deepEqual(
    findProseThresholds('Use a 30-second timeout.').map((f) => [
      f.parsed.comparator,
      f.parsed.value,
    ]),
    [['<=', 30]],
  );
});

test('prose: the noun phrase a limit is about, where the clause subject is not it', () => {
  const subjects = (text: string) =>
    findProseThresholds(text).map((f) => [
      f.subject,
      f.parsed.comparator,
      f.parsed.value,
      f.parsed.unit,
    ]);
  // A set checked against is what is counted, not what is checked.
  assert.deepEqual(
    subjects(
      'Verify that passwords are checked against an available set of, at least, the top 3000 passwords.',
    ),
    [['available set of passwords', '>=', 3000, 'passwords']],
  );
  // "takes a long time to complete, e.g. longer than …": the time to complete.
  assert.deepEqual(
    subjects(
      'Where an operation may take a very long time to complete, e.g. longer than 15 minutes, it may be better to expose a resource.',
    ),
    [['operation completion time', '>', 15, 'min']],
  );
  // A bare count defined per unit of time is a rate.
  assert.deepEqual(
    subjects(
      'Cluster churn is <= 20, where churn is defined as: #(creations) + #(updates) in a given second',
    ),
    [['Cluster churn', '<=', 20, '/s']],
  );
});
