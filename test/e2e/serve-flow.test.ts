// End to end, as a platform team runs it: the `steering` binary serves the API with its workers on
// the embedded database, against the GitHub simulator. Publishing opens one PR per repository;
// merging one sends signed webhooks back, which record the adoption, scan the merge commit and
// make the compliance API answer with evidence.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startSimulator, type Simulator } from '../../src/github/index.js';
import { waitUntil } from '../support/wait-until.js';

const REPOS = ['payments', 'orders', 'search'];
const dataDir = mkdtempSync(join(tmpdir(), 'steering-e2e-'));
let sim: Simulator;
let server: ChildProcess | undefined;
let base = '';
let token = '';
let log = '';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Waits for a condition; on giving up, the message carries the end of the server's log. */
function waitFor<T>(what: string, fn: () => Promise<T | undefined> | T | undefined): Promise<T> {
  return waitUntil(() => `${what}\n--- server log ---\n${log.slice(-4000)}`, fn);
}

const api = async (path: string, init: RequestInit = {}) => {
  const res = await fetch(`${base}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, ...init.headers },
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

before(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  sim = await startSimulator({ port: 0 });
  sim.addInstallation('acme', { id: 7 });
  for (const name of REPOS) {
    sim.addRepo({
      owner: 'acme',
      name,
      installationId: 7,
      topics: name === 'payments' ? ['steering-canary'] : [],
      files: {
        'requirements.txt': 'fastapi\nrequests\n',
        'app/main.py':
          'from fastapi import FastAPI\napp = FastAPI()\n\n@app.get("/health")\ndef health():\n    return {}\n',
        'app/billing.py':
          'import requests\n\n\ndef charge(url):\n    return requests.post(url, json={}, timeout=(2, 5))\n',
      },
    });
  }
  sim.addToken('ghs_e2e', { login: 'steering[bot]', installationId: 7 });
  sim.setWebhook({ url: `${base}/webhooks/github`, secret: 'e2e-secret' });
  const env = {
    ...process.env,
    STEERING_DATA_DIR: dataDir,
    GITHUB_API_URL: sim.url,
    GITHUB_TOKEN: 'ghs_e2e',
    GITHUB_WEBHOOK_SECRET: 'e2e-secret',
    STEERING_WRITE_INTERVAL_MS: '0',
    STEERING_QUEUE_PREFIX: `e2e${process.pid}${Date.now()}`,
    PORT: String(port),
    LOG_LEVEL: 'info',
    // The 20 s default guards the server against hostile documents; on a busy CI machine the
    // seed document alone can take longer, and this flow is not about that limit.
    STEERING_COMPILE_TIMEOUT_MS: '600000',
  };
  delete (env as Record<string, string | undefined>).DATABASE_URL;
  const created = spawnSync(
    process.execPath,
    ['bin/steering.js', 'token', 'create', '--name', 'e2e', '--scopes', 'admin'],
    { env, encoding: 'utf8' },
  );
  assert.equal(created.status, 0, created.stderr);
  token = created.stdout.trim().split('\n').pop()!.trim();
  assert.match(token, /^stg_/);
  server = spawn(process.execPath, ['bin/steering.js', 'serve'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  server.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  await waitFor(
    'the server to listen',
    async () =>
      (await fetch(`${base}/health`)
        .then((r) => r.ok)
        .catch(() => false)) || undefined,
  );
});

after(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server!.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
  await sim?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('the registry is synced at start', async () => {
  // Start-up waits a few seconds for this sync, then listens anyway (a slow GitHub must not keep
  // the API down), so on a busy machine the line may come just after the server listens.
  const synced =
    /"installations":1,"repositories":3,"eligible":3,"msg":"synced the repository registry"/;
  await waitFor('the first registry sync', () => (synced.test(log) ? true : undefined));
  assert.match(log, synced);
});

test('publish → one PR per repository → merge → adoption, scan and compliance with evidence', async () => {
  const published = await api('/v1/guidelines/performance/versions', {
    method: 'POST',
    headers: { 'content-type': 'text/markdown' },
    body: readFileSync('guidelines/performance.md'),
  });
  assert.equal(published.status, 201, JSON.stringify(published.body));
  assert.equal(published.body.version, '1.0.0');

  for (const name of REPOS) {
    const pr = await waitFor(`a PR in acme/${name}`, () =>
      sim.listPulls('acme', name).find((p) => p.state === 'open'),
    );
    assert.match(pr.title, /Performance Guidelines 1\.0\.0/);
    assert.ok(
      sim.readFile('acme', name, 'steering/performance', '.steering/performance.rules.json'),
    );
  }
  const rollout = await waitFor('the rollout to complete', async () => {
    const r = await api('/v1/rollouts/1');
    return r.body.state === 'completed' ? r.body : undefined;
  });
  assert.deepEqual((rollout.counts as Record<string, number>).opened, REPOS.length);

  const pr = sim.listPulls('acme', 'payments')[0]!;
  sim.mergePull('acme', 'payments', pr.number);
  await sim.flushWebhooks();
  const compliance = await waitFor('a scan of the merge commit', async () => {
    const r = await api('/v1/repositories/acme/payments/compliance');
    const guidelines = r.body.guidelines as Array<Record<string, unknown>> | undefined;
    return r.status === 200 && guidelines?.some((g) => g.track === 'adopted')
      ? guidelines
      : undefined;
  });
  const adopted = compliance.find((g) => g.track === 'adopted')!;
  assert.equal(adopted.version, '1.0.0');
  const rules = adopted.rules as Array<{
    ruleId: string;
    status: string;
    evidence: Array<{ path: string; line: number }>;
  }>;
  // A threshold ("Health checks: < 50ms p95") is decided by a measurement only, never by a file;
  // the health endpoint itself is checked on the guideline's health-check reference rule.
  const health = rules.find((r) => r.ruleId === 'performance.api-response-times.health-checks')!;
  assert.equal(health.status, 'unchecked');
  const timeouts = rules.find(
    (r) => r.ruleId === 'performance.external-service-calls.implement-timeouts-external-calls',
  )!;
  assert.equal(timeouts.status, 'pass');
  assert.deepEqual(
    timeouts.evidence.map((e) => [e.path, e.line]),
    [['app/billing.py', 5]],
  );
  const targets = (await api('/v1/rollouts/1')).body.targets as Array<{
    repository: string;
    state: string;
  }>;
  assert.equal(targets.find((t) => t.repository === 'acme/payments')?.state, 'merged');
});
