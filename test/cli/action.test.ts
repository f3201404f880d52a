// action.yml, the GitHub Action for a service's CI, run as a runner would run it (its `if`s, its
// expressions, RUNNER_TEMP, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY; `uses` steps recorded, the install
// skipped because this checkout is built) against a fixture service that adopted the performance
// guideline through steering's pull request (.steering/), and against a real `steering serve` for
// the load-test upload, whose answer decides the job.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { publishGuideline } from '../../src/publish/index.js';
import { createApiToken, upsertRepository } from '../../src/store/index.js';
import { TEST_DATABASE_URL, createTestDatabase, type TestDatabase } from '../support/db.js';
import { evaluate, runAction, type Action } from '../support/run-action.js';

const action = parse(readFileSync('action.yml', 'utf8')) as Action;
const tmp = mkdtempSync(join(tmpdir(), 'steering-action-'));
const github = {
  action_path: resolve('.'),
  repository: 'acme/payments',
  sha: 'c0ffee0c0ffee0c0ffee0c0ffee0c0ffee0c0ffe',
  server_url: 'https://github.example',
  run_id: '4242',
};
const INSTALL = 'Install steering';

/** A service checkout: the node-express fixture, the adopted guideline, a Locust report. */
function service(name: string): string {
  const dir = join(tmp, name);
  cpSync('test/fixtures/repos/node-express', dir, { recursive: true });
  mkdirSync(join(dir, '.steering'), { recursive: true });
  writeFileSync(
    join(dir, '.steering/performance.md'),
    readFileSync('guidelines/performance.md', 'utf8'),
  );
  const locust = 'test/fixtures/reports/locust-payments';
  cpSync(join(locust, 'service.yaml'), join(dir, '.steering/service.yaml'));
  mkdirSync(join(dir, 'load-test'));
  cpSync(join(locust, 'payments_stats.csv'), join(dir, 'load-test/payments_stats.csv'));
  return dir;
}

let t: TestDatabase;
let serve: ChildProcess;
let url = '';
let token = '';

before(async () => {
  t = await createTestDatabase();
  await publishGuideline(t.db, {
    source: readFileSync('guidelines/performance.md', 'utf8'),
    path: 'guidelines/performance.md',
    publisher: 'test',
  });
  await upsertRepository(t.db, {
    id: 902,
    owner: 'acme',
    name: 'payments',
    defaultBranch: 'main',
    archived: false,
    fork: false,
    topics: [],
    installationId: 1,
  });
  token = (
    await createApiToken(t.db, {
      name: 'payments-ci',
      scopes: ['report'],
      repository: 'acme/payments',
    })
  ).token;
  const dataDir = join(tmp, 'data');
  const env: Record<string, string | undefined> = {
    ...process.env,
    DATABASE_URL: `${TEST_DATABASE_URL}?options=${encodeURIComponent(`-c search_path=${t.schema}`)}`,
    STEERING_DATA_DIR: dataDir,
    PORT: '0',
    LOG_LEVEL: 'info',
  };
  for (const k of ['REDIS_URL', 'GITHUB_TOKEN', 'GITHUB_APP_ID', 'STEERING_URL', 'STEERING_TOKEN'])
    delete env[k];
  serve = spawn(process.execPath, ['bin/steering.js', 'serve'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The line that says where it listens (an event, not a clock).
  url = await new Promise<string>((ok, fail) => {
    let log = '';
    const onData = (d: Buffer) => {
      log += d.toString();
      const m = /"url":"(http:\/\/[^"]+)"[^\n]*steering is listening/.exec(log);
      if (m) ok(m[1]!);
    };
    serve.stdout!.on('data', onData);
    serve.stderr!.on('data', onData);
    serve.once('exit', (code) => fail(new Error(`serve exited ${code}\n${log}`)));
  });
});

after(async () => {
  if (serve && serve.exitCode === null) {
    const exited = new Promise((r) => serve.once('exit', r));
    serve.kill('SIGTERM');
    await exited;
  }
  await t?.drop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('action.yml', () => {
  it('is a composite action whose expressions name only its inputs and earlier steps', () => {
    assert.equal(action.runs.using, 'composite');
    assert.ok(
      action.runs.steps.some((s) => s.uses?.startsWith('github/codeql-action/upload-sarif')),
      'uploads SARIF to code scanning',
    );
    const ids: string[] = [];
    for (const step of action.runs.steps) {
      const text = JSON.stringify(step);
      for (const [, expr] of text.matchAll(/\$\{\{\s*(.+?)\s*\}\}/g)) {
        for (const [path] of expr!.matchAll(/\b(inputs|steps)\.[\w.-]+/g)) {
          const [ctx, name] = path.split('.');
          if (ctx === 'inputs') assert.ok(name! in action.inputs, `${step.name}: ${path}`);
          else assert.ok(ids.includes(name!), `${step.name}: ${path} is not an earlier step`);
        }
      }
      if (step.id) ids.push(step.id);
    }
    assert.equal(
      evaluate("!cancelled() && 'a' == 'a'", () => '', true),
      true,
    );
  });

  it('scans against the adopted version: SARIF, outputs, and the job fails on a MUST rule', () => {
    const dir = service('scan-only');
    const run = runAction(action, {
      with: { path: dir },
      github,
      runnerTemp: join(tmp, 'runner-scan'),
      skip: [INSTALL],
    });
    const outcome = Object.fromEntries(run.steps.map((s) => [s.name, s.outcome]));
    assert.equal(outcome['Scan'], 'success', run.steps.map((s) => s.stderr).join('\n'));
    assert.equal(outcome['Report load tests'], 'skipped', 'no load-test-reports: no upload');
    assert.equal(outcome['Upload SARIF'], 'uses');
    const scan = run.outputs.scan!;
    const sarif = JSON.parse(readFileSync(scan.sarif!, 'utf8')) as { version: string };
    assert.equal(sarif.version, '2.1.0');
    assert.ok(Number(scan['must-failures']) > 0, 'the node-express fixture fails a MUST rule');
    assert.equal(outcome['Fail on MUST rules'], 'failure');
    assert.ok(run.failed);
    const picked = readFileSync(join(run.outputs.guidelines!.dir!, 'performance.md'), 'utf8');
    assert.equal(picked, readFileSync('guidelines/performance.md', 'utf8'));
  });

  it("uploads load-test reports to steering serve; the server's answer fails the job", async () => {
    const dir = service('with-reports');
    const run = runAction(action, {
      with: {
        path: dir,
        'load-test-reports': 'load-test/*_stats.csv',
        'steering-url': url,
        'steering-token': token,
        'fail-on-must': 'false',
      },
      github,
      runnerTemp: join(tmp, 'runner-report'),
      skip: [INSTALL],
    });
    const report = run.steps.find((s) => s.name === 'Report load tests')!;
    assert.equal(report.outcome, 'success', report.stderr);
    assert.match(report.stdout, /uploaded 1 report\(s\) for acme\/payments/);
    const failing = report.stdout.match(/^ {2}FAIL /gm)?.length ?? 0;
    assert.ok(failing > 0, report.stdout);
    assert.equal(run.outputs.report!['measured-failures'], String(failing));
    const outcome = Object.fromEntries(run.steps.map((s) => [s.name, s.outcome]));
    assert.equal(outcome['Fail on MUST rules'], 'skipped', 'fail-on-must: false');
    assert.equal(outcome['Fail on measured rules'], 'failure');
    assert.match(
      readFileSync(join(tmp, 'runner-report/summary.md'), 'utf8'),
      /FAIL performance\.api-response-times\.bulk-operations: bulk operations p95 measured 2500 ms/,
    );
    const stored = await t.db.query<{ sha: string; context: string }>(
      'SELECT sha, context FROM measurement_uploads',
    );
    assert.deepEqual(stored.rows, [
      { sha: github.sha, context: 'https://github.example/acme/payments/actions/runs/4242' },
    ]);
  });

  it('a refused upload fails the report step itself; a pattern matching nothing too', () => {
    const dir = service('refused');
    const base = { path: dir, 'steering-url': url, 'fail-on-must': 'false' };
    const skip = [INSTALL, 'Pick the adopted guidelines', 'Scan'];
    const refused = runAction(action, {
      with: { ...base, 'load-test-reports': 'load-test/*.csv', 'steering-token': 'stg_nope' },
      github,
      runnerTemp: join(tmp, 'runner-refused'),
      skip,
    });
    const step = refused.steps.find((s) => s.name === 'Report load tests')!;
    assert.equal(step.outcome, 'failure');
    assert.match(step.stderr, /upload refused \(401\)/);
    assert.ok(refused.failed);

    const none = runAction(action, {
      with: { ...base, 'load-test-reports': 'results/*.jtl', 'steering-token': token },
      github,
      runnerTemp: join(tmp, 'runner-none'),
      skip,
    });
    const noneStep = none.steps.find((s) => s.name === 'Report load tests')!;
    assert.equal(noneStep.outcome, 'failure');
    assert.match(noneStep.stdout, /::error::load-test-reports: no file matches results\/\*\.jtl/);
  });
});
