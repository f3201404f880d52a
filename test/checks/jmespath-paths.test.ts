// json-yaml-path paths in JMESPath syntax, evaluated with positions kept.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSnapshot, evaluateChecks } from '../../src/checks/index.js';
import { checksFrom, makeRule } from './support.js';

test("JMESPath filters select list items: spec.metrics[?resource.name=='cpu']", () => {
  const checks = checksFrom(
    `  - id: c
    rule: demo.rule
    description: CPU target at most 70%.
    type: json-yaml-path
    files: '**/*.yaml'
    where: { kind: HorizontalPodAutoscaler }
    assert:
      - path: "spec.metrics[?resource.name=='cpu'].resource.target.averageUtilization"
        comparator: '<='
        value: 70
`,
    [makeRule('demo.rule')],
  );
  const hpa = (cpu: number) =>
    `kind: HorizontalPodAutoscaler\nspec:\n  metrics:\n    - resource:\n        name: memory\n        target: { averageUtilization: 95 }\n    - resource:\n        name: cpu\n        target:\n          averageUtilization: ${cpu}\n`;
  const run = (text: string) =>
    evaluateChecks(checks, createSnapshot(['hpa.yaml'], { 'hpa.yaml': text })).results[0];
  assert.equal(run(hpa(60))?.status, 'pass');
  const fail = run(hpa(80));
  assert.equal(fail?.status, 'fail');
  assert.deepEqual(
    fail?.evidence.map((e) => `${e.path}:${e.line}`),
    ['hpa.yaml:10'],
  );
});
