/**
 * The `ast-grep` check type: structural matches in Python, Java, JavaScript/TypeScript and Go,
 * where a text pattern lies (a keyword argument anywhere in a call, SQL only inside strings).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { createSnapshot, evaluateChecks, loadChecks } from '../../src/checks/index.js';
import { loadGuidelines } from '../../src/cli/commands/scan.js';
import { checksFrom, makeRule } from './support.js';

const rules = [makeRule('demo.rule')];
function run(yaml: string, files: Record<string, string>) {
  const r = evaluateChecks(checksFrom(yaml, rules), createSnapshot(Object.keys(files), files))
    .results[0];
  assert.ok(r);
  return r;
}

describe('ast-grep', () => {
  it('Python: a requests call without a timeout keyword, wherever the keyword is', () => {
    const yaml = `  - id: c
    rule: demo.rule
    description: requests calls pass timeout=.
    type: ast-grep
    files: '**/*.py'
    match:
      pattern: requests.get($$$ARGS)
      not: { has: { kind: keyword_argument, regex: '^timeout', stopBy: end } }
    inspects: { pattern: requests.get($$$ARGS) }
    inspectsWhat: requests calls
`;
    const bad = run(yaml, {
      'app/a.py':
        'import requests\n\nrequests.get(\n    url,\n    headers=h,\n)\nrequests.get(url, headers=h, timeout=3)\n',
    });
    assert.equal(bad.status, 'fail');
    assert.deepEqual(
      bad.evidence.map((e) => `${e.path}:${e.line}:${e.column}`),
      ['app/a.py:3:1'],
    );
    const good = run(yaml, { 'app/a.py': 'requests.get(url, headers=h, timeout=(1, 5))\n' });
    assert.equal(good.status, 'pass');
    assert.equal(run(yaml, { 'app/a.py': 'print(1)\n' }).status, 'not-applicable');
  });

  it('Python: SELECT * only inside strings, not in comments', () => {
    const yaml = `  - { id: c, rule: demo.rule, description: d, type: ast-grep, files: '**/*.py', match: { kind: string, regex: '(?i)select\\s+\\*\\s+from' } }\n`;
    assert.equal(
      run(yaml, { 'a.py': '# SELECT * FROM t\nq = "SELECT id FROM t"\n' }).status,
      'pass',
    );
    const bad = run(yaml, { 'a.py': 'q = """\n  select * from t\n"""\n' });
    assert.equal(bad.status, 'fail');
    assert.equal(bad.evidence[0]?.line, 1);
  });

  it('Java, TypeScript and Go', () => {
    const java = run(
      `  - { id: c, rule: demo.rule, description: d, type: ast-grep, files: '**/*.java', match: { pattern: new RestTemplate() } }\n`,
      {
        'A.java':
          'class A {\n  RestTemplate t = new RestTemplate();\n  RestTemplate u = new RestTemplate(factory);\n}\n',
      },
    );
    assert.deepEqual(
      java.evidence.map((e) => e.line),
      [2],
    );
    const ts = run(
      `  - { id: c, rule: demo.rule, description: d, type: ast-grep, files: '**/*.ts', match: { pattern: fetch($URL) } }\n`,
      {
        'a.ts':
          'await fetch(u, { signal: AbortSignal.timeout(2000) });\nawait fetch(`${base}/x`);\n',
      },
    );
    assert.deepEqual(
      ts.evidence.map((e) => e.line),
      [2],
    );
    const go = run(
      `  - { id: c, rule: demo.rule, description: d, type: ast-grep, files: '**/*.go', match: { kind: call_expression, regex: '^http\\.Get\\(' } }\n`,
      { 'main.go': 'package main\n\nfunc f() {\n\thttp.Get(u)\n}\n' },
    );
    assert.deepEqual(
      go.evidence.map((e) => `${e.line}:${e.column}`),
      ['4:2'],
    );
    const present = run(
      `  - { id: c, rule: demo.rule, description: d, type: ast-grep, expect: present, files: '**/*.go', match: { kind: call_expression, regex: '^db\\.SetMaxOpenConns' } }\n`,
      { 'main.go': 'package main\n\nfunc f() {\n\tdb.SetMaxOpenConns(10)\n}\n' },
    );
    assert.equal(present.status, 'pass');
  });

  it('the shipped Go gRPC check: a call is bounded only when its function sets a deadline', () => {
    const [guideline] = loadGuidelines(['guidelines/performance.md']);
    const shipped = loadChecks(
      readFileSync('guidelines/performance.checks.yaml', 'utf8'),
      guideline?.rules ?? [],
    ).checks.filter((c) => c.id === 'timeout-go-grpc');
    assert.equal(shipped.length, 1);
    const files: Record<string, string> = {
      'go.mod': 'module checkout\n\ngo 1.22\n',
      'main.go': [
        'package main',
        'func (cs *svc) quote(ctx context.Context) error {',
        '\tctx, cancel := context.WithTimeout(ctx, 2*time.Second)',
        '\tdefer cancel()',
        '\t_, err := pb.NewShippingServiceClient(cs.conn).GetQuote(ctx, req)',
        '\treturn err',
        '}',
        'func (cs *svc) cart(ctx context.Context) error {',
        '\t_, err := pb.NewCartServiceClient(cs.conn).',
        '\t\tGetCart(ctx, req)',
        '\treturn err',
        '}',
        '',
      ].join('\n'),
    };
    const [r] = evaluateChecks(shipped, createSnapshot(Object.keys(files), files)).results;
    assert.equal(r?.status, 'fail');
    assert.deepEqual(
      r?.evidence.map((e) => `${e.path}:${e.line}`),
      ['main.go:9'],
    );
    const none = { 'go.mod': files['go.mod'] as string, 'main.go': 'package main\n' };
    const [n] = evaluateChecks(shipped, createSnapshot(Object.keys(none), none)).results;
    assert.equal(n?.status, 'not-applicable');
  });

  it('a rule that does not compile is a load error at its position', () => {
    const r = loadChecks(
      'guideline: demo\nchecks:\n  - id: c\n    rule: demo.rule\n    description: d\n    type: ast-grep\n    files: x\n    match: { nonsense: 1 }\n',
      rules,
    );
    assert.equal(r.ok, false);
    assert.equal(r.diagnostics[0]?.line, 8);
  });
});
