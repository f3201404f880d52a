// Faults as GitHub has them, met by steering's real port: a write applied and then answered 502
// or never answered (steering looks before writing again: one comment, one check run, each
// annotation once), and the 422 "head invalid" GitHub gives a pull request opened right after
// its branch (steering waits and retries).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createManualClock } from '../../src/github/index.js';
import { startPort } from './start-port.js';

async function world(options: Parameters<typeof startPort>[0] = {}) {
  const clock = createManualClock();
  const ctx = await startPort({ clock, ...options }, { clock, requestTimeoutMs: 1000 });
  ctx.simulator.addRepo({ owner: 'acme', name: 'svc' });
  return { ...ctx, head: ctx.simulator.branchHead('acme', 'svc', 'main')! };
}

describe('GitHub faults through steering port', () => {
  it('a comment applied then answered 502 is written once', async () => {
    const { simulator, appRepos } = await world();
    try {
      simulator.pushCommit({ owner: 'acme', repo: 'svc', branch: 'b', files: { a: '1' } });
      const pr = await appRepos.createPullRequest('acme', 'svc', {
        title: 't',
        body: '',
        head: 'b',
        base: 'main',
      });
      simulator.inject({
        kind: 'status',
        status: 502,
        method: 'POST',
        path: '/comments',
        when: 'after',
      });
      await appRepos.createIssueComment('acme', 'svc', pr.number, 'up to date');
      assert.deepEqual(
        simulator.getRepo('acme', 'svc').comments.map((c) => c.body),
        ['up to date'],
      );
      assert.equal(simulator.requests.filter((r) => r.appliedThenFailed).length, 1);
      // A write lost before it was applied is written again.
      simulator.inject({ kind: 'status', status: 502, method: 'POST', path: '/comments' });
      await appRepos.createIssueComment('acme', 'svc', pr.number, 'second');
      assert.equal(simulator.getRepo('acme', 'svc').comments.length, 2);
    } finally {
      await simulator.close();
    }
  });

  it('a check run applied then timed out, and an annotation batch applied then 502, are written once', async () => {
    const { simulator, appRepos, head } = await world();
    try {
      simulator.inject({ kind: 'timeout', method: 'POST', path: '/check-runs', when: 'after' });
      simulator.inject({
        kind: 'status',
        status: 502,
        method: 'PATCH',
        path: '/check-runs/',
        when: 'after',
      });
      const annotations = Array.from({ length: 120 }, (_, i) => ({
        path: 'README.md',
        startLine: i + 1,
        endLine: i + 1,
        level: 'warning' as const,
        message: `finding ${i}`,
      }));
      const id = await appRepos.createCheckRun('acme', 'svc', {
        name: 'steering / compliance',
        headSha: head,
        conclusion: 'failure',
        output: { title: '120 findings', summary: 's', annotations },
      });
      const runs = simulator.getRepo('acme', 'svc').checkRuns;
      assert.equal(runs.length, 1);
      assert.equal(runs[0]?.id, id);
      assert.equal(runs[0]?.annotations.length, 120);
      assert.equal(simulator.requests.filter((r) => r.appliedThenFailed).length, 2);
    } finally {
      await simulator.close();
    }
  });

  it('a pull request applied then timed out is opened once', async () => {
    const { simulator, appRepos } = await world();
    try {
      simulator.pushCommit({ owner: 'acme', repo: 'svc', branch: 'b', files: { a: '1' } });
      simulator.inject({ kind: 'timeout', method: 'POST', path: '/pulls', when: 'after' });
      const pr = await appRepos.createPullRequest('acme', 'svc', {
        title: 't',
        body: '',
        head: 'b',
        base: 'main',
      });
      assert.deepEqual(
        simulator.listPulls('acme', 'svc').map((p) => p.number),
        [pr.number],
      );
      assert.equal(simulator.count({ method: 'POST', path: '/pulls' }), 1);
    } finally {
      await simulator.close();
    }
  });

  it('a pull request opened right after its branch answers "head invalid" once, then opens', async () => {
    const { simulator, appRepos, head } = await world({ behaviour: { headInvalidWindowMs: 1000 } });
    try {
      const tree = await appRepos.createTree('acme', 'svc', {
        files: [{ path: '.steering/x.md', content: 'x' }],
      });
      const commit = await appRepos.createCommit('acme', 'svc', {
        message: 'm',
        tree,
        parents: [head],
      });
      await appRepos.createRef('acme', 'svc', 'steering/performance', commit);
      const pr = await appRepos.createPullRequest('acme', 'svc', {
        title: 't',
        body: '',
        head: 'steering/performance',
        base: 'main',
      });
      assert.equal(pr.headSha, commit);
      assert.equal(simulator.count({ method: 'POST', path: '/pulls', status: 422 }), 1);
      assert.equal(simulator.count({ method: 'POST', path: '/pulls', status: 201 }), 1);
      assert.equal(simulator.listPulls('acme', 'svc').length, 1);
      // The injected form of the same race.
      simulator.inject({ kind: 'head-invalid', method: 'POST', path: '/pulls', times: 2 });
      simulator.pushCommit({ owner: 'acme', repo: 'svc', branch: 'other', files: { o: '1' } });
      await appRepos.createPullRequest('acme', 'svc', {
        title: 'o',
        body: '',
        head: 'other',
        base: 'main',
      });
      assert.equal(simulator.listPulls('acme', 'svc').length, 2);
    } finally {
      await simulator.close();
    }
  });
});
