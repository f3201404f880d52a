import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GitHubPort, RepositoryPort } from '../../src/github/index.js';
import { reconcileRollouts } from '../../src/jobs/index.js';
import { listRolloutTargets } from '../../src/store/index.js';
import { ORG, PERFORMANCE, TIGHTENED, createWorld } from './harness.js';

/** A port whose createPullRequest never returns, before or after reaching GitHub (a dying worker). */
function hangingPort(github: GitHubPort, when: 'before' | 'after'): GitHubPort {
  return {
    ...github,
    listInstallations: () => github.listInstallations(),
    listInstallationRepositories: (id) => github.listInstallationRepositories(id),
    forInstallation(id) {
      const inner = github.forInstallation(id);
      const port: RepositoryPort = Object.create(inner) as RepositoryPort;
      port.createPullRequest = async (...args) => {
        if (when === 'after') await inner.createPullRequest(...args);
        return new Promise(() => {});
      };
      return port;
    },
  };
}

describe('distribute under faults', () => {
  it('5xx then success: retried by the job, one PR, attempts recorded', async () => {
    const w = await createWorld();
    try {
      w.seed(1);
      await w.sync();
      // plugin-retry absorbs 3 in-process; the 4th and 5th reach the job, which retries.
      w.sim.inject({ kind: 'status', status: 502, method: 'POST', path: '/git/trees', times: 5 });
      const id = await w.publish(PERFORMANCE);
      w.startWorker();
      const r = await w.settled(id!);
      assert.equal(r.counts.opened, 1);
      const [t] = await listRolloutTargets(w.db, id!);
      assert.ok((t?.attempts ?? 0) >= 2, `attempts ${t?.attempts}`);
      assert.equal(t?.lastError, null);
      assert.equal(w.sim.listPulls(ORG, 'svc-000').length, 1);
      assert.equal(w.sim.count({ status: 502 }), 5);
    } finally {
      await w.close();
    }
  });

  it('secondary rate limit with retry-after: the job backs off as told and succeeds', async () => {
    // No in-process rate-limit retry: the RATE_LIMITED error reaches the job's backoff.
    const w = await createWorld({ port: { maxRateLimitRetries: 0 } });
    try {
      w.seed(1);
      await w.sync();
      w.sim.inject({
        kind: 'secondary-limit',
        retryAfterSeconds: 1,
        method: 'POST',
        path: '/pulls',
      });
      const id = await w.publish(PERFORMANCE);
      w.startWorker();
      const r = await w.settled(id!);
      assert.equal(r.counts.opened, 1);
      assert.equal(w.sim.count({ status: 403 }), 1);
      const posts = w.sim.requests.filter((q) => q.method === 'POST' && q.path.endsWith('/pulls'));
      assert.equal(posts.length, 2);
      assert.ok(posts[1]!.at - posts[0]!.at >= 1000, 'waited at least retry-after');
      assert.equal(w.sim.listPulls(ORG, 'svc-000').length, 1);
    } finally {
      await w.close();
    }
  });

  for (const when of ['before', 'after'] as const) {
    it(`worker dies ${when} creating the PR, another picks the job up: exactly one PR`, async () => {
      const w = await createWorld();
      try {
        w.seed(1);
        await w.sync();
        const id = await w.publish(PERFORMANCE);
        const dying = w.startWorker({ github: hangingPort(w.github, when) });
        await w.waitFor(id!, () => w.sim.count({ method: 'POST', path: '/git/refs' }) === 1);
        if (when === 'after')
          await w.waitFor(id!, () => w.sim.listPulls(ORG, 'svc-000').length === 1);
        await dying.close(true); // no graceful finish: the job stays active until its lock expires
        w.startWorker();
        const r = await w.settled(id!);
        assert.equal(r.counts.queued, 0);
        assert.equal(r.counts[when === 'before' ? 'opened' : 'updated'], 1);
        const pulls = w.sim.listPulls(ORG, 'svc-000');
        assert.equal(pulls.length, 1, 'exactly one PR');
        assert.deepEqual(pulls[0]!.labels, ['steering']);
      } finally {
        await w.close();
      }
    });
  }

  it('queue keys deleted mid-rollout: reconcile re-enqueues from PostgreSQL, no duplicate PRs', async () => {
    const w = await createWorld();
    try {
      w.seed(12);
      await w.sync();
      const id = await w.publish(PERFORMANCE);
      const first = w.startWorker({ concurrency: 1 });
      await w.waitFor(id!, (r) => r.counts.opened >= 3);
      await w.stopWorker(first);
      const deleted = await w.deletePrefixKeys();
      assert.ok(deleted > 0);
      assert.equal(await w.queue.count(), 0, 'the queue lost its jobs');
      const due = await reconcileRollouts(w.db, w.queue);
      assert.ok(due > 0 && due <= 9, `re-enqueued ${due}`);
      w.startWorker();
      const r = await w.waitFor(id!, (x) => x.state === 'completed');
      assert.equal(r.counts.opened, 12);
      for (let i = 0; i < 12; i++) {
        assert.equal(w.sim.listPulls(ORG, `svc-${String(i).padStart(3, '0')}`).length, 1);
      }
    } finally {
      await w.close();
    }
  });

  it('acceptance: 50 repositories → 50 PRs; publish again → nothing; tightened → the same 50 updated', async () => {
    const w = await createWorld();
    try {
      w.seed(50);
      await w.sync();
      w.startWorker({ concurrency: 8 });
      const first = await w.publish(PERFORMANCE);
      const r1 = await w.waitFor(first!, (x) => x.state === 'completed');
      assert.equal(r1.counts.opened, 50);
      w.sim.resetRequests();
      assert.equal(await w.publish(PERFORMANCE), null);
      assert.equal(w.sim.requests.length, 0, 'nothing sent to GitHub');
      const second = await w.publish(TIGHTENED);
      const r2 = await w.waitFor(second!, (x) => x.state === 'completed');
      assert.equal(r2.counts.updated, 50);
      const all = [...w.sim.state.repos.values()].flatMap((repo) => repo.pulls);
      assert.equal(all.length, 50, 'the same 50 PRs');
      assert.ok(all.every((p) => p.state === 'open' && /2\.0\.0/.test(p.title)));
    } finally {
      await w.close();
    }
  });
});
