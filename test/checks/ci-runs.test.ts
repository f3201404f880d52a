/**
 * `ci-runs`: a CI pipeline runs a load test directly, through a script of the repository (after a
 * `cd`), through an npm script or a make target, or by naming a load-test file; otherwise it fails
 * at the pipeline file.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSnapshot, evaluateChecks } from '../../src/checks/index.js';
import { checksFrom, makeRule } from './support.js';

const checks = checksFrom(
  `  - id: perf-ci
    rule: demo.rule
    description: CI runs a load test.
    type: ci-runs
    runsFilesContaining: '^scenarios:'
    pattern: '\\bk6\\s+run\\b|\\bartillery\\s+run\\b'
`,
  [makeRule('demo.rule')],
);

function run(files: Record<string, string>) {
  const r = evaluateChecks(checks, createSnapshot(Object.keys(files), files)).results[0];
  assert.ok(r);
  return r;
}

const step = (cmd: string) =>
  `on: push\njobs:\n  perf:\n    runs-on: ubuntu-latest\n    steps:\n      - name: Load test\n        run: |\n          ${cmd}\n`;

describe('ci-runs', () => {
  it('finds the command in the workflow itself', () => {
    const r = run({ '.github/workflows/ci.yml': step('k6 run load/test.js') });
    assert.equal(r.status, 'pass');
    assert.deepEqual(
      r.evidence.map((e) => `${e.path}:${e.line}`),
      ['.github/workflows/ci.yml:8'],
    );
  });

  it('follows a step into a script of the repository, relative to a cd of the step', () => {
    const r = run({
      '.github/workflows/ci.yml': step('cd src/load && bash scripts/run-test.sh'),
      'src/load/scripts/run-test.sh': '#!/bin/sh\nset -e\nk6 run test.js\n',
    });
    assert.equal(r.status, 'pass');
    assert.deepEqual(
      r.evidence.map((e) => `${e.path}:${e.line}`),
      ['.github/workflows/ci.yml:8', 'src/load/scripts/run-test.sh:3'],
    );
  });

  it('follows npm scripts and make targets, in GitLab CI and Jenkinsfiles too', () => {
    const npm = run({
      '.gitlab-ci.yml': 'perf:\n  script:\n    - npm run perf\n',
      'package.json': '{\n  "scripts": {\n    "perf": "artillery run scenario.yml"\n  }\n}\n',
    });
    assert.equal(npm.status, 'pass');
    assert.equal(npm.evidence[1]?.path, 'package.json');
    const make = run({
      Jenkinsfile: "pipeline { stages { stage('perf') { steps { sh 'make loadtest' } } } }\n",
      Makefile: 'build:\n\tgo build ./...\n\nloadtest:\n\tk6 run load/test.js\n',
    });
    assert.equal(make.status, 'pass');
    assert.deepEqual(make.evidence[1], {
      path: 'Makefile',
      line: 5,
      column: 2,
      snippet: 'k6 run load/test.js',
    });
  });

  it('counts a script that names a load-test file of the repository', () => {
    const r = run({
      '.github/workflows/e2e.yml': step('bash load/run.sh'),
      'load/run.sh': 'docker run -v $PWD:/scripts image run /scripts/scenario.yml\n',
      'load/scenario.yml': 'config:\n  target: http://ui\nscenarios:\n  - flow: []\n',
    });
    assert.equal(r.status, 'pass');
    assert.match(r.evidence[1]?.note ?? '', /runs the load test load\/scenario\.yml/);
  });

  it('fails at the pipeline when no step runs a load test', () => {
    const r = run({ '.github/workflows/ci.yml': step('npm test'), 'package.json': '{}' });
    assert.equal(r.status, 'fail');
    assert.equal(r.evidence[0]?.path, '.github/workflows/ci.yml');
  });
});
