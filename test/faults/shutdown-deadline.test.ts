/**
 * Fault scenario (issue problem 7): SIGTERM while a rollout job sleeps in GitHub's rate-limit
 * backoff. GitHub answers every write with a secondary rate limit and `retry-after: 600`; once
 * `steering serve` logs that it waits, it gets SIGTERM and must stop at its shutdown deadline
 * (`STEERING_SHUTDOWN_DEADLINE_MS`), handing the busy worker's job back instead of sleeping out
 * the ten minutes (before: SIGTERM took as long as the backoff). Nothing was written to GitHub
 * and the rollout target is still to do.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startSimulator, type Simulator } from '../../src/github/index.js';
import { createApiToken } from '../../src/store/index.js';
import { TEST_REDIS_URL } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { waitUntil } from '../support/wait-until.js';
import {
  databaseUrlFor,
  publishPerformance,
  startSteering,
  tearDown,
  type SteeringProcess,
} from './steering-process.js';

describe('faults: SIGTERM during GitHub backoff', () => {
  let t: TestDatabase;
  let sim: Simulator;
  let serve: SteeringProcess | undefined;
  const prefix = `faults-${randomUUID().slice(0, 8)}`;

  before(async () => {
    t = await createTestDatabase();
    sim = await startSimulator({ behaviour: { mergeabilityDelayMs: 0 } });
    const installationId = sim.addInstallation('acme', { id: 9 });
    sim.addRepo({ owner: 'acme', name: 'api', installationId, topics: ['steering-canary'] });
    sim.addToken('ghs_faults', { login: 'steering[bot]', installationId });
  });
  after(() => tearDown({ serve, sim, prefix, t }));

  it('stops at the shutdown deadline while a job waits out a rate limit', async () => {
    const { token } = await createApiToken(t.db, { name: 'faults', scopes: ['admin'] });
    const deadlineMs = 1500;
    serve = await startSteering({
      DATABASE_URL: databaseUrlFor(t.schema),
      REDIS_URL: TEST_REDIS_URL,
      STEERING_QUEUE_PREFIX: prefix,
      GITHUB_API_URL: sim.url,
      GITHUB_TOKEN: 'ghs_faults',
      GITHUB_APP_ID: undefined,
      STEERING_WRITE_INTERVAL_MS: '0',
      STEERING_SHUTDOWN_DEADLINE_MS: String(deadlineMs),
    });
    await serve.listening();
    // Every write (blobs, trees, commits, refs, pulls) is refused for ten minutes.
    sim.inject({
      method: 'POST',
      kind: 'secondary-limit',
      retryAfterSeconds: 600,
      times: 1000,
    });
    const published = await publishPerformance(serve.url, token);
    assert.equal(published.status, 201, await published.text());
    const waiting = await serve.logged(/"msg":"GitHub rate limit, waiting"/);
    assert.match(waiting, /"delayMs":600000/);
    console.log('  a rollout job sleeps in a 600 s backoff; SIGTERM');
    serve.child.kill('SIGTERM');
    // A hang guard only (the backoff is 600 s): the result is the exit and the log's order.
    const exit = await waitUntil(
      () => `steering to exit\n${serve!.lines.slice(-10).join('\n')}`,
      () => (serve!.child.exitCode === null ? undefined : serve!.exited),
      120_000,
    );
    assert.equal(exit.code, 0, serve.lines.slice(-15).join('\n'));
    const order = serve.lines
      .map((l) => /"msg":"(shutting down|shutdown deadline reached[^"]*|stopped)"/.exec(l)?.[1])
      .filter(Boolean);
    console.log(`  exited: ${order.join(' → ')}`);
    assert.equal(order[0], 'shutting down');
    assert.match(order[1] ?? '', /^shutdown deadline reached/);
    assert.equal(order.at(-1), 'stopped');
    assert.equal(sim.count({ method: 'POST', status: 201 }), 0, 'nothing was written');
    const targets = await t.db.query<{ state: string }>(`SELECT state FROM rollout_targets`);
    assert.ok(targets.rows.length > 0);
    assert.ok(
      targets.rows.every((r) => !['pr_open', 'merged', 'failed'].includes(r.state)),
      `targets still to do: ${JSON.stringify(targets.rows)}`,
    );
  });
});
