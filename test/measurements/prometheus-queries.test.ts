import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileGuideline } from '../../src/guidelines/index.js';
import { buildRuleQuery, parseServiceConfig } from '../../src/measurements/index.js';

const root = join(import.meta.dirname, '..', '..');
const rules = compileGuideline(readFileSync(join(root, 'guidelines', 'performance.md'), 'utf8'), {
  path: 'guidelines/performance.md',
}).document!.rules;
const rule = (suffix: string) => rules.find((r) => r.id === `performance.${suffix}`)!;

test('request kinds without a declared matcher are asked for, never guessed', () => {
  const q = buildRuleQuery(rule('api-response-times.complex-queries'), {}, 'payments');
  assert.match(
    (q as { problem: string }).problem,
    /"Complex queries \(multiple joins\)"\? declare/,
  );
  const bulk = buildRuleQuery(rule('api-response-times.bulk-operations'), {}, 'payments');
  assert.ok('problem' in bulk, 'API bulk operations are not database bulk operations');
});

test('declared subjects, selector, window and overrides shape the query', () => {
  const config = parseServiceConfig(
    [
      'prometheus:',
      '  selector: \'namespace="pay"\'',
      '  window: 30m',
      '  subjects:',
      '    Bulk operations: \'uri="/payments/bulk"\'',
      '  queries:',
      "    performance.service-level-agreements.recovery-time: 'max(steering_recovery_minutes{{{selector}}})'",
    ].join('\n'),
  );
  const bulk = buildRuleQuery(rule('api-response-times.bulk-operations'), config, 'payments');
  assert.equal(
    (bulk as { query: string }).query,
    'histogram_quantile(0.95, sum by (le) (rate(http_server_requests_seconds_bucket{namespace="pay", uri="/payments/bulk"}[30m]))) * 1000',
  );
  const recovery = buildRuleQuery(
    rule('service-level-agreements.recovery-time'),
    config,
    'payments',
  );
  assert.equal(
    (recovery as { query: string }).query,
    'max(steering_recovery_minutes{namespace="pay"})',
  );
});

test('the rule duration becomes the held-for window of alert conditions', () => {
  const q = buildRuleQuery(rule('memory-utilization.memory-leak-detection'), {}, 'payments');
  assert.match(
    (q as { query: string }).query,
    /^max_over_time\(min_over_time\(.*\)\[10m:1m\]\)\[1h:1m\]\)$/,
  );
  assert.equal((q as { window: string }).window, '1h (held 10m)');
});
