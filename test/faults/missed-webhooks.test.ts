/**
 * Fault scenario (issue problem 6): webhooks GitHub sends while steering is down. `steering serve`
 * (GitHub App auth, against the simulator) opens one PR per repository, is SIGKILLed, and every PR
 * is merged while it is down: GitHub's deliveries fail to connect (its delivery log holds them
 * with status 0). Started again, the GitHub pass reads the App's delivery log
 * (`GET /app/hook/deliveries`), asks GitHub to redeliver each `pull_request` event steering never
 * acknowledged (`POST /app/hook/deliveries/{id}/attempts`), and every adoption is recorded, once
 * (before: those merges were never recorded).
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startSimulator, type Simulator } from '../../src/github/index.js';
import { createApiToken } from '../../src/store/index.js';
import { TEST_REDIS_URL } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { waitUntil } from '../support/wait-until.js';
import { freePort } from './redis-server.js';
import {
  databaseUrlFor,
  publishPerformance,
  startSteering,
  tearDown,
  type SteeringProcess,
} from './steering-process.js';

const REPOS = ['billing', 'ledger', 'search', 'profile'];

describe('faults: webhooks sent while steering is down', () => {
  let t: TestDatabase;
  let sim: Simulator;
  let env: Record<string, string>;
  let serve: SteeringProcess | undefined;
  const prefix = `faults-${randomUUID().slice(0, 8)}`;

  before(async () => {
    t = await createTestDatabase();
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    sim = await startSimulator({
      app: { id: 4711, publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() },
      behaviour: { mergeabilityDelayMs: 0 },
    });
    const installation = sim.addInstallation('acme');
    for (const name of REPOS) {
      sim.addRepo({
        owner: 'acme',
        name,
        installationId: installation,
        topics: name === 'billing' ? ['steering-canary'] : [],
        files: { 'README.md': `# ${name}\n` },
      });
    }
    const port = await freePort();
    sim.setWebhook({ url: `http://127.0.0.1:${port}/webhooks/github`, secret: 'faults-secret' });
    env = {
      PORT: String(port),
      DATABASE_URL: databaseUrlFor(t.schema),
      REDIS_URL: TEST_REDIS_URL,
      STEERING_QUEUE_PREFIX: prefix,
      GITHUB_API_URL: sim.url,
      GITHUB_APP_ID: '4711',
      GITHUB_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      GITHUB_WEBHOOK_SECRET: 'faults-secret',
      STEERING_WRITE_INTERVAL_MS: '0',
      STEERING_RECONCILE_EVERY_SECONDS: '1',
      STEERING_OUTBOX_EVERY_SECONDS: '1',
    };
  });
  after(() => tearDown({ serve, sim, prefix, t }));

  it('records every merge made while steering was down, through GitHub redeliveries', async () => {
    const { token } = await createApiToken(t.db, { name: 'faults', scopes: ['admin'] });
    serve = await startSteering(env);
    await serve.listening();
    const published = await publishPerformance(serve.url, token);
    assert.equal(published.status, 201, await published.text());
    const prs = new Map<string, number>();
    for (const name of REPOS) {
      const pr = await waitUntil(`a PR in acme/${name}`, () =>
        sim.listPulls('acme', name).find((p) => p.state === 'open'),
      );
      prs.set(name, pr.number);
    }
    // PostgreSQL knows every PR before steering goes down (the rollout recorded them).
    await waitUntil('every PR recorded', async () => {
      const r = await t.db.query<{ n: string }>(
        `SELECT count(*) AS n FROM rollout_targets WHERE pr_number IS NOT NULL`,
      );
      return Number(r.rows[0]?.n) === REPOS.length;
    });
    await serve.kill('SIGKILL');
    console.log(`  steering killed; merging ${REPOS.length} PRs while it is down`);
    const before = sim.deliveries.length;
    for (const name of REPOS) sim.mergePull('acme', name, prs.get(name)!);
    await sim.flushWebhooks();
    const missed = sim.deliveries
      .slice(before)
      .filter((d) => d.event === 'pull_request' && d.action === 'closed');
    assert.equal(missed.length, REPOS.length);
    assert.ok(
      missed.every((d) => d.status === 0),
      'the merges were sent while nothing listened',
    );

    // Only the delivery log can tell steering about these: the open-PR check is left nothing to do
    // once the redeliveries are recorded, and the deliveries' ids prove which path recorded them.
    serve = await startSteering(env);
    await serve.listening();
    console.log('  steering started again');
    const missedIds = missed.map((d) => d.id);
    await waitUntil('each missed delivery redelivered, recorded and processed', async () => {
      const r = await t.db.query<{ n: string }>(
        `SELECT count(*) AS n FROM webhook_deliveries
         WHERE delivery_id = ANY($1::text[]) AND processed_at IS NOT NULL`,
        [missedIds],
      );
      return Number(r.rows[0]?.n) === REPOS.length;
    });
    const adopted = await t.db.query<{ name: string; n: string }>(
      `SELECT r.name, count(*) AS n FROM adoptions a JOIN repositories r ON r.id = a.repository_id
       GROUP BY r.name ORDER BY r.name`,
    );
    assert.deepEqual(
      adopted.rows.map((a) => [a.name, Number(a.n)]),
      [...REPOS].sort().map((name) => [name, 1]),
      'every merge recorded as an adoption, once',
    );
    // GitHub's delivery log (what GET /app/hook/deliveries lists): the redeliveries steering asked for.
    const redelivered = sim.state.hookDeliveries.attempts.filter(
      (a) => a.redelivery && missed.some((d) => d.id === a.guid),
    );
    console.log(
      `  ${redelivered.length} redeliveries, answered ${[...new Set(redelivered.map((a) => a.statusCode))].join(', ')}`,
    );
    assert.ok(redelivered.every((a) => a.statusCode >= 200 && a.statusCode < 300));
    assert.equal(new Set(redelivered.map((a) => a.guid)).size, REPOS.length);
  });
});
