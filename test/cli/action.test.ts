// action.yml, the GitHub Action for a service's CI: its shell steps run here as a runner would run
// them (RUNNER_TEMP, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, the action's checkout), against a fixture
// service that adopted the performance guideline through steering's pull request (.steering/).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';

interface Step {
  id?: string;
  name: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
}
const action = parse(readFileSync('action.yml', 'utf8')) as {
  inputs: Record<string, { default: string }>;
  runs: { using: string; steps: Step[] };
};
const tmp = mkdtempSync(join(tmpdir(), 'steering-action-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function runStep(step: Step, env: Record<string, string>): ReturnType<typeof spawnSync> {
  // Expressions this test gives values to; any other left would be a bug in the step.
  const script = step.run!;
  const vars: Record<string, string> = {};
  for (const [k, v] of Object.entries(step.env ?? {})) {
    vars[k] = v.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_m, expr: string) => {
      if (!(expr in env)) throw new Error(`step "${step.name}": no value for ${expr}`);
      return env[expr]!;
    });
  }
  return spawnSync('bash', ['-e', '-c', script], {
    encoding: 'utf8',
    env: {
      ...process.env,
      ...vars,
      RUNNER_TEMP: env.RUNNER_TEMP!,
      GITHUB_OUTPUT: env.GITHUB_OUTPUT!,
      GITHUB_STEP_SUMMARY: env.GITHUB_STEP_SUMMARY!,
    },
  });
}

const outputs = (file: string) =>
  Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(/=(.*)/s).slice(0, 2) as [string, string]),
  );

describe('action.yml', () => {
  it('is a composite action: install, pick guidelines, scan, upload SARIF, fail on MUST', () => {
    assert.equal(action.runs.using, 'composite');
    const upload = action.runs.steps.find((s) =>
      s.uses?.startsWith('github/codeql-action/upload-sarif'),
    );
    assert.ok(upload, 'uploads SARIF to code scanning');
    assert.deepEqual(Object.keys(action.inputs).sort(), [
      'fail-on-must',
      'path',
      'reports',
      'upload-sarif',
    ]);
  });

  it('scans a service against its adopted version and writes SARIF and outputs', () => {
    const service = join(tmp, 'service');
    cpSync('test/fixtures/repos/node-express', service, { recursive: true });
    mkdirSync(join(service, '.steering'));
    // The copy steering's pull request wrote: the adopted version, which the action checks.
    const adopted = readFileSync('guidelines/performance.md', 'utf8');
    writeFileSync(join(service, '.steering/performance.md'), adopted);
    const runner = join(tmp, 'runner');
    mkdirSync(runner);
    const env = {
      RUNNER_TEMP: runner,
      GITHUB_OUTPUT: join(runner, 'output'),
      GITHUB_STEP_SUMMARY: join(runner, 'summary'),
      'inputs.path': service,
      'inputs.reports': '',
      'github.action_path': resolve('.'),
    };
    const pick = action.runs.steps.find((s) => s.id === 'guidelines')!;
    const picked = runStep(pick, env);
    assert.equal(picked.status, 0, String(picked.stderr));
    const dir = outputs(env.GITHUB_OUTPUT).dir!;
    assert.deepEqual(readFileSync(join(dir, 'performance.md'), 'utf8'), adopted);
    readFileSync(join(dir, 'performance.checks.yaml'));

    const scan = action.runs.steps.find((s) => s.id === 'scan')!;
    const env2 = { ...env, 'steps.guidelines.outputs.dir': dir };
    const scanned = runStep(scan, env2);
    assert.equal(scanned.status, 0, String(scanned.stderr));
    const out = outputs(env.GITHUB_OUTPUT);
    const sarif = JSON.parse(readFileSync(out.sarif!, 'utf8')) as {
      version: string;
      runs: unknown[];
    };
    assert.equal(sarif.version, '2.1.0');
    assert.equal(sarif.runs.length, 1);
    assert.match(out['must-failures']!, /^\d+$/);
    assert.ok(Number(out['must-failures']) > 0, 'the node-express fixture fails a MUST rule');
    assert.match(
      readFileSync(env.GITHUB_STEP_SUMMARY, 'utf8'),
      /performance\.api-response-times\.health-checks/,
    );
  });
});
