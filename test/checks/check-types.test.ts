import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createSnapshot,
  evaluateGuideline,
  requiredPaths,
  isTestPath,
} from '../../src/checks/index.js';
import { checksFrom, makeRule } from './support.js';

const rule = makeRule('demo.rule');
const rules = [rule];

function run(yaml: string, files: Record<string, string>, options = {}) {
  const checks = checksFrom(yaml, rules);
  const [finding] = evaluateGuideline(
    rules,
    checks,
    createSnapshot(Object.keys(files), files),
    options,
  );
  assert.ok(finding);
  return finding;
}

describe('file-exists', () => {
  const yaml = `  - { id: c, rule: demo.rule, description: d, type: file-exists, files: '**/*.jmx' }\n`;
  it('passes with the file as evidence, fails saying what it looked for', () => {
    const ok = run(yaml, { 'perf/plan.jmx': '<x/>' });
    assert.equal(ok.status, 'pass');
    assert.equal(ok.evidence[0]?.path, 'perf/plan.jmx');
    const no = run(yaml, { 'README.md': '' });
    assert.equal(no.status, 'fail');
    assert.match(no.message, /no file matching \*\*\/\*\.jmx/);
    // Something missing is shown at a place: the nearest build file, else a file of the repository.
    assert.equal(no.evidence[0]?.path, 'README.md');
  });
  it('ignores test folders unless includeTests', () => {
    assert.equal(run(yaml, { 'src/test/resources/plan.jmx': '' }).status, 'fail');
    const incl = `  - { id: c, rule: demo.rule, description: d, type: file-exists, files: '**/*.jmx', includeTests: true }\n`;
    assert.equal(run(incl, { 'src/test/resources/plan.jmx': '' }).status, 'pass');
  });
});

describe('file-contains', () => {
  it('reports path, line, column and snippet of the hit', () => {
    const f = run(
      `  - { id: c, rule: demo.rule, description: d, type: file-contains, files: '**/*.py', pattern: 'pool_size' }\n`,
      { 'app/db.py': 'import x\n\nengine = make(pool_size=5)\n' },
    );
    assert.equal(f.status, 'pass');
    assert.deepEqual(f.evidence[0], {
      path: 'app/db.py',
      line: 3,
      column: 15,
      snippet: 'engine = make(pool_size=5)',
    });
  });
  it('does not count commented-out code or test files', () => {
    const yaml = `  - { id: c, rule: demo.rule, description: d, type: file-contains, files: '**/*.py', pattern: 'pool_size' }\n`;
    const f = run(yaml, {
      'app/db.py': '# pool_size=5\n',
      'tests/test_db.py': 'pool_size=1',
      'app/db_test.py': 'pool_size=1',
    });
    assert.equal(f.status, 'fail');
    assert.match(f.message, /not found in 1 file \(\*\*\/\*\.py, tests left out\)/);
  });
  it('match: all needs every pattern in one file', () => {
    const yaml = `  - { id: c, rule: demo.rule, description: d, type: file-contains, files: '**/*.js', match: all, pattern: ['new Pool\\(', 'max:'] }\n`;
    assert.equal(run(yaml, { 'a.js': 'new Pool()', 'b.js': 'max: 3' }).status, 'fail');
    assert.equal(run(yaml, { 'a.js': 'new Pool({ max: 3 })' }).status, 'pass');
  });
});

describe('file-not-contains', () => {
  const yaml = `  - id: c
    rule: demo.rule
    description: d
    type: file-not-contains
    files: '**/*.py'
    pattern: '\\brequests\\.get\\((?:[^()]|\\([^()]*\\))*\\)'
    ignoreIf: 'timeout\\s*='
`;
  it('one evidence per hit, hits that match ignoreIf do not count', () => {
    const f = run(yaml, {
      'a.py': 'requests.get(url)\nrequests.get(url, timeout=3)\nx = requests.get(\n  f(url))\n',
      'tests/test_a.py': 'requests.get(url)\n',
    });
    assert.equal(f.status, 'fail');
    assert.deepEqual(
      f.evidence.map((e) => [e.path, e.line, e.column]),
      [
        ['a.py', 1, 1],
        ['a.py', 3, 5],
      ],
    );
  });
  it('passes when nothing matches', () => {
    assert.equal(run(yaml, { 'a.py': 'requests.get(url, timeout=3)' }).status, 'pass');
  });
});

describe('json-yaml-path', () => {
  const hpa = `  - id: c
    rule: demo.rule
    description: d
    type: json-yaml-path
    files: '**/*.{yml,yaml,json}'
    where: { kind: HorizontalPodAutoscaler }
    assert:
      - { path: spec.minReplicas, comparator: '>=', value: 2 }
      - { path: ['spec.metrics[resource.name=cpu].resource.target.averageUtilization', spec.targetCPUUtilizationPercentage], comparator: '<=', value: 70 }
`;
  const doc = (min: number, cpu: number) =>
    `apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nspec:\n  minReplicas: ${min}\n  metrics:\n    - resource:\n        name: memory\n        target: { averageUtilization: 95 }\n    - resource:\n        name: cpu\n        target:\n          averageUtilization: ${cpu}\n`;
  it('checks every selected document of a multi-document file', () => {
    const f = run(hpa, {
      'k8s/all.yaml': `kind: Deployment\n---\n${doc(2, 70)}---\n${doc(1, 80)}`,
    });
    assert.equal(f.status, 'fail');
    assert.deepEqual(
      f.evidence.map((e) => [e.line, e.note]),
      [
        [19, 'spec.minReplicas is 1; expected >= 2'],
        [
          27,
          'spec.metrics[resource.name=cpu].resource.target.averageUtilization is 80; expected <= 70',
        ],
      ],
    );
    assert.equal(run(hpa, { 'k8s/hpa.yaml': doc(3, 60) }).status, 'pass');
  });
  it('reads JSON and autoscaling/v1', () => {
    const json = JSON.stringify({
      kind: 'HorizontalPodAutoscaler',
      spec: { minReplicas: 2, targetCPUUtilizationPercentage: 50 },
    });
    assert.equal(run(hpa, { 'hpa.json': json }).status, 'pass');
  });
  it('fails when no document is selected, unless ifNone says otherwise', () => {
    const f = run(hpa, { 'k8s/deploy.yaml': 'kind: Deployment\n' });
    assert.equal(f.status, 'fail');
    assert.match(f.message, /no documents with kind=HorizontalPodAutoscaler in 1 file/);
  });
  it('resolves Helm .Values, and leaves unresolvable templates unchecked', () => {
    const tpl = `{{- if .Values.hpa.on }}\nkind: HorizontalPodAutoscaler\nspec:\n  minReplicas: {{ .Values.hpa.min | default 2 }}\n  targetCPUUtilizationPercentage: {{ .Values.hpa.cpu }}\n{{- end }}\n`;
    const chart = { 'c/Chart.yaml': 'name: c\n', 'c/templates/hpa.yaml': tpl };
    assert.equal(
      run(hpa, { ...chart, 'c/values.yaml': 'hpa:\n  on: true\n  cpu: 60\n' }).status,
      'pass',
    );
    assert.equal(
      run(hpa, { ...chart, 'c/values.yaml': 'hpa:\n  on: true\n  min: 1\n  cpu: 60\n' }).status,
      'fail',
    );
    // The guard is decided as deployed: hpa.on is false by default, so no HPA is deployed.
    const off = run(hpa, {
      ...chart,
      'c/values.yaml': 'replicas: 1\nhpa:\n  on: false\n  cpu: 60\n',
    });
    assert.equal(off.status, 'fail');
    assert.match(
      off.message,
      /disabled by default: \.Values\.hpa\.on is false \(c\/values\.yaml:3\)/,
    );
    assert.deepEqual(
      off.evidence.map((e) => `${e.path}:${e.line}`),
      ['c/templates/hpa.yaml:1'],
    );
    const unresolved = run(hpa, {
      'c/Chart.yaml': 'name: c\n',
      'c/templates/hpa.yaml': tpl.replace('.Values.hpa.cpu', 'include "cpu" .'),
      'c/values.yaml': 'hpa:\n  on: true\n',
    });
    assert.equal(unresolved.status, 'unchecked');
    assert.match(unresolved.message, /templated .* could not be resolved/);
  });
  it('pools configuration files and understands dotted keys and .properties', () => {
    const cfg = `  - id: c
    rule: demo.rule
    description: d
    type: json-yaml-path
    files: '**/application*.{yml,properties}'
    assert:
      - { path: micronaut.http.client.read-timeout, comparator: exists }
`;
    assert.equal(
      run(cfg, { 'src/main/resources/application.yml': 'micronaut.http.client.read-timeout: 5s\n' })
        .status,
      'pass',
    );
    assert.equal(
      run(cfg, {
        'src/main/resources/application.properties': 'micronaut.http.client.read-timeout=5s\n',
      }).status,
      'pass',
    );
    const testOnly = run(cfg, {
      'src/main/resources/application.yml': 'micronaut: {}\n',
      'src/test/resources/application.yml': 'micronaut.http.client.read-timeout: 5s\n',
    });
    assert.equal(testOnly.status, 'fail');
    assert.match(testOnly.evidence[0]?.note ?? '', /not set/);
  });
  it('a file that does not parse is an error, not a pass', () => {
    const f = run(hpa, { 'bad.yaml': 'kind: HorizontalPodAutoscaler\nspec: [unclosed\n' });
    assert.equal(f.status, 'error');
  });
});

describe('applies-when', () => {
  const yaml = `  - id: c
    rule: demo.rule
    description: d
    appliesWhen: { language: java, framework: spring-boot }
    type: file-exists
    files: '**/Dockerfile'
`;
  const pom = (dep: string, scope = '') =>
    `<project><dependencies><dependency><groupId>org.springframework.boot</groupId><artifactId>${dep}</artifactId>${scope}</dependency></dependencies></project>`;
  it('detects languages and frameworks from build files', () => {
    assert.equal(run(yaml, { 'pom.xml': pom('spring-boot-starter-web') }).status, 'fail');
    const na = run(yaml, { 'package.json': '{"dependencies":{"express":"5"}}' });
    assert.equal(na.status, 'not-applicable');
    assert.match(na.message, /applies to java; languages detected: node/);
  });
  it('ignores test-scoped dependencies and build files under tests', () => {
    assert.equal(
      run(yaml, { 'pom.xml': pom('spring-boot-starter-test', '<scope>test</scope>') }).status,
      'not-applicable',
    );
    assert.equal(
      run(yaml, { 'src/test/resources/pom.xml': pom('spring-boot-starter-web') }).status,
      'not-applicable',
    );
  });
  it('reads requirements.txt, pyproject.toml and build.gradle', () => {
    const dep = (d: string) =>
      `  - { id: c, rule: demo.rule, description: d, appliesWhen: { dependency: ${d} }, type: file-exists, files: x }\n`;
    assert.equal(
      run(dep('sqlalchemy'), { 'requirements.txt': 'SQLAlchemy[asyncio]==2.0\n' }).status,
      'fail',
    );
    assert.equal(
      run(dep('fastapi'), { 'pyproject.toml': '[project]\ndependencies = ["fastapi>=0.1"]\n' })
        .status,
      'fail',
    );
    assert.equal(
      run(dep('micronaut-http-client'), {
        'build.gradle': 'testImplementation("io.micronaut:micronaut-http-client")\n',
      }).status,
      'not-applicable',
    );
  });
});

describe('report-threshold', () => {
  const t = makeRule('demo.rule', {
    kind: 'threshold',
    threshold: {
      subject: 'Health checks',
      metric: 'response_time',
      aggregate: 'p95',
      comparator: '<',
      value: 50,
      unit: 'ms',
      text: '< 50ms',
    },
  });
  const yaml = `  - { id: c, rule: demo.rule, description: d, type: report-threshold }\n`;
  const evaluate = (reports: object[]) =>
    evaluateGuideline([t], checksFrom(yaml, [t]), createSnapshot([], {}), {
      reports: reports as never,
    })[0];
  it('is unchecked without a report and compares with unit conversion', () => {
    assert.equal(evaluate([])?.status, 'unchecked');
    assert.equal(
      evaluate([{ metric: 'response_time', aggregate: 'p95', value: 0.04, unit: 's' }])?.status,
      'pass',
    );
    const fail = evaluate([
      {
        ruleId: 'demo.rule',
        metric: 'response_time',
        value: 72,
        unit: 'ms',
        source: 'k6/summary.json',
      },
    ]);
    assert.equal(fail?.status, 'fail');
    assert.equal(fail?.evidence[0]?.path, 'k6/summary.json');
  });
});

describe('rule status', () => {
  it('is the worst applicable check; unchecked without checks; exempt under a live waiver', () => {
    const two = [makeRule('a'), makeRule('b')];
    const checks = checksFrom(
      `  - { id: x, rule: a, description: d, type: file-exists, files: 'Dockerfile' }
  - { id: y, rule: a, description: d, type: file-exists, files: 'README.md' }
  - { id: z, rule: a, description: d, type: file-exists, files: 'x', appliesWhen: { language: go } }
`,
      two,
    );
    const snap = createSnapshot(['README.md'], {});
    const [a, b] = evaluateGuideline(two, checks, snap);
    assert.equal(a?.status, 'fail');
    assert.deepEqual(
      a?.checks.map((c) => c.status),
      ['fail', 'pass', 'not-applicable'],
    );
    assert.equal(b?.status, 'unchecked');
    assert.match(b?.message ?? '', /no automated check/);
    const now = new Date('2025-01-01T00:00:00Z');
    const waived = evaluateGuideline(two, checks, snap, {
      now,
      waivers: [{ ruleId: 'a', reason: 'migrating', expiresAt: '2025-02-01T00:00:00Z' }],
    });
    assert.equal(waived[0]?.status, 'exempt');
    assert.equal(waived[0]?.outcome, 'fail');
    const expired = evaluateGuideline(two, checks, snap, {
      now,
      waivers: [{ ruleId: 'a', reason: 'old', expiresAt: '2024-12-01T00:00:00Z' }],
    });
    assert.equal(expired[0]?.status, 'fail');
  });
});

describe('requiredPaths and test paths', () => {
  it('asks only for blobs a check or stack detection can read', () => {
    const checks = checksFrom(
      `  - { id: c, rule: demo.rule, description: d, type: file-contains, files: '**/*.py', pattern: x }\n`,
      rules,
    );
    const paths = [
      'app/a.py',
      'app/b.js',
      'tests/test_a.py',
      'node_modules/x/y.py',
      'package.json',
      'docs/readme.md',
    ];
    assert.deepEqual(requiredPaths(checks, paths), ['app/a.py', 'package.json']);
  });
  it('knows test files and test resources', () => {
    for (const p of [
      'test/a.ts',
      'tests/x.py',
      'a/__tests__/b.js',
      'src/test/resources/application.yml',
      'x_test.py',
      'test_x.py',
      'a.test.ts',
      'a.spec.ts',
      'src/main/resources/application-test.yml',
      'FooTest.java',
    ]) {
      assert.equal(isTestPath(p), true, p);
    }
    for (const p of [
      'src/main/resources/application.yml',
      'app/testimony.py',
      'latest/a.py',
      'src/contest.ts',
    ])
      assert.equal(isTestPath(p), false, p);
  });
});
