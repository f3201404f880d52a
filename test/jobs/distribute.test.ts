import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { snapshotRepository } from '../../src/scans/index.js';
import { silentLogger } from '../../src/log.js';
import { getCachedTree, listRolloutTargets, listRepositories } from '../../src/store/index.js';
import { ORG, PERFORMANCE, TIGHTENED, createWorld, type World } from './harness.js';

const repositoryId = async (w: World, name: string): Promise<number> => {
  const repo = (await listRepositories(w.db)).find((r) => r.fullName === `${ORG}/${name}`);
  assert.ok(repo, name);
  return repo.id;
};
const budget = (w: World, name: string) => ({
  calls: w.sim.count({ path: `/repos/${ORG}/${name}/` }),
  writes: w.sim.count({ path: `/repos/${ORG}/${name}/`, write: true }),
  trees: w.sim.count({ method: 'GET', path: `/repos/${ORG}/${name}/git/trees/` }),
  blobs: w.sim.count({ method: 'GET', path: `/repos/${ORG}/${name}/git/blobs/` }),
});

describe('distribute: one pull request per repository, kept in place', () => {
  it('first PR: branch, one commit with three files, label; call budget', async () => {
    const w = await createWorld();
    try {
      w.seed(1);
      await w.sync();
      w.sim.resetRequests();
      const id = await w.publish(PERFORMANCE);
      assert.ok(id);
      w.startWorker();
      const r = await w.settled(id);
      assert.equal(r.counts.opened, 1);
      const [pr, ...more] = w.openPulls('svc-000');
      assert.ok(pr);
      assert.equal(more.length, 0);
      assert.deepEqual(pr.labels, ['steering']);
      assert.match(pr.title, /1\.0\.0/);
      assert.match(pr.body, /1\.0\.0/);
      const lock = JSON.parse(
        w.sim.readFile(ORG, 'svc-000', 'steering/performance', '.steering/lock.json') ?? '{}',
      );
      assert.equal(lock.guidelines.performance.version, '1.0.0');
      assert.match(
        w.sim.readFile(ORG, 'svc-000', 'steering/performance', '.steering/performance.md') ?? '',
        /# Performance Guidelines[\s\S]*Health checks: < 50ms/,
      );
      assert.ok(
        w.sim.readFile(ORG, 'svc-000', 'steering/performance', '.steering/performance.rules.json'),
      );
      // Cold tree cache: ref, tree, then tree+commit+ref+pull+label: the label needs its own
      // request (GitHub's create-pull takes none; STEERING_PR_LABEL= drops it).
      const { calls, writes } = budget(w, 'svc-000');
      assert.ok(calls <= 7, `new PR took ${calls} calls`);
      assert.ok(writes <= 5, `new PR took ${writes} writes`);
      // The listing read is stored for the next scan or rollout, at the default branch's head.
      const cached = await getCachedTree(w.db, await repositoryId(w, 'svc-000'));
      assert.equal(cached?.sha, w.sim.branchHead(ORG, 'svc-000', 'main'));
      assert.ok(cached?.entries.length);
      const [target] = await listRolloutTargets(w.db, id);
      assert.equal(target?.attempts, 1);
      assert.equal(target?.prNumber, pr.number);
      assert.ok(target?.finishedAt);
    } finally {
      await w.close();
    }
  });

  it('STEERING_PR_LABEL empty: a new PR is 4 writes; a listing cached by a scan is reused', async () => {
    assert.equal(loadConfig({ STEERING_PR_LABEL: '' }).rollout.prLabel, '');
    assert.equal(loadConfig({}).rollout.prLabel, 'steering');
    const w = await createWorld();
    try {
      w.seed(2);
      await w.sync();
      // svc-001 was scanned at its head: tree_cache holds that commit's listing.
      const head = w.sim.branchHead(ORG, 'svc-001', 'main');
      assert.ok(head);
      const port = w.github.forInstallation(0);
      const id = await repositoryId(w, 'svc-001');
      await snapshotRepository(
        { db: w.db, port, logger: silentLogger },
        { id, owner: ORG, name: 'svc-001' },
        head,
        () => [],
      );
      assert.equal((await getCachedTree(w.db, id))?.sha, head);

      w.sim.resetRequests();
      w.startWorker({ prLabel: '' });
      const r = await w.settled((await w.publish(PERFORMANCE))!);
      assert.equal(r.counts.opened, 2);
      for (const name of ['svc-000', 'svc-001']) {
        const [pr] = w.openPulls(name);
        assert.deepEqual(pr?.labels, [], `${name} is not labelled`);
        // branch (head + root tree), the recursive listing only when not cached (svc-001's was
        // cached by the scan), then tree+commit+ref+pull.
        const b = budget(w, name);
        assert.ok(b.calls <= (name === 'svc-001' ? 5 : 6), `${name}: new PR took ${b.calls} calls`);
        assert.ok(b.writes <= 4, `${name}: new PR took ${b.writes} writes`);
        assert.equal(b.trees, name === 'svc-001' ? 0 : 1);
      }
    } finally {
      await w.close();
    }
  });

  it('publish again changes nothing; tightened version updates in place; merged → up-to-date', async () => {
    const w = await createWorld();
    try {
      w.seed(2);
      await w.sync();
      w.startWorker();
      const first = await w.publish(PERFORMANCE);
      assert.ok(first);
      await w.settled(first);
      w.sim.resetRequests();
      assert.equal(await w.publish(PERFORMANCE), null, 'no new version, no rollout');
      assert.equal(w.sim.requests.length, 0);

      const second = await w.publish(TIGHTENED);
      assert.ok(second);
      const r = await w.settled(second);
      assert.equal(r.counts.updated, 2);
      const pulls = w.sim.listPulls(ORG, 'svc-000');
      assert.equal(pulls.length, 1, 'never a second PR');
      assert.match(pulls[0]!.title, /2\.0\.0 \(major\)/);
      assert.match(pulls[0]!.body, /threshold: < 50ms → < 20ms/);
      // Warm tree cache (the first rollout stored main's listing): branch, pull, then
      // tree+commit+ref+pull. The pull read stays: only GitHub knows it is still open and who
      // pushed to its branch.
      const up = budget(w, 'svc-001');
      assert.ok(up.calls <= 6, `update took ${up.calls} calls`);
      assert.ok(up.writes <= 4, `update took ${up.writes} writes`);
      assert.equal(up.trees, 0);
      assert.match(
        w.sim.readFile(ORG, 'svc-000', 'steering/performance', '.steering/performance.md') ?? '',
        /< 20ms/,
      );

      // svc-000 merges; a republish of the same content as a patch finds it identical.
      w.sim.mergePull(ORG, 'svc-000', pulls[0]!.number);
      w.sim.resetRequests();
      const third = await w.publish(`${TIGHTENED}\n`);
      assert.ok(third, 'a whitespace change is a patch version');
      await w.settled(third);
      const targets = await listRolloutTargets(w.db, third);
      const byRepo = Object.fromEntries(targets.map((t) => [t.repository, t.state]));
      assert.equal(byRepo['acme/svc-001'], 'updated');
      // svc-000 got 2.0.1 as a fresh PR (its 2.0.0 PR was merged), recorded as merged.
      const old = await listRolloutTargets(w.db, second);
      assert.equal(old.find((t) => t.repository === 'acme/svc-000')?.state, 'merged');
      // main now holds the lock.json steering wrote: its text comes from blob_cache, not GitHub.
      const fresh = budget(w, 'svc-000');
      assert.equal(fresh.blobs, 0, 'the merged lock.json is not read back');
      // The merged PR's branch is still there: looked up and moved, no failed create (422).
      assert.equal(w.sim.count({ path: `/repos/${ORG}/svc-000/`, status: 422 }), 0);
      assert.ok(fresh.calls <= 9, `a new PR after a merge took ${fresh.calls} calls`);
      assert.equal(w.openPulls('svc-000').length, 1);
    } finally {
      await w.close();
    }
  });

  it('up-to-date: default branch already holds the files → no PR, open steering PR closed with a comment', async () => {
    const w = await createWorld();
    try {
      w.seed(1);
      await w.sync();
      w.startWorker();
      const first = await w.publish(PERFORMANCE);
      await w.settled(first!);
      const [pr] = w.openPulls('svc-000');
      assert.ok(pr);
      // Someone copies the 2.0.0 files to main by hand (as if merged elsewhere).
      const second = await w.publish(TIGHTENED);
      await w.settled(second!);
      const files = [
        '.steering/performance.md',
        '.steering/performance.rules.json',
        '.steering/lock.json',
      ];
      const content = Object.fromEntries(
        files.map((f) => [f, w.sim.readFile(ORG, 'svc-000', 'steering/performance', f)]),
      );
      w.sim.pushCommit({ owner: ORG, repo: 'svc-000', branch: 'main', files: content });
      // A patch version with identical rules files would differ; re-run the same version instead:
      w.sim.resetRequests();
      const { distributeToRepository, createDistributeCache } =
        await import('../../src/jobs/index.js');
      const { getGuidelineVersion } = await import('../../src/store/index.js');
      const v = await getGuidelineVersion(w.db, 'performance', '2.0.0');
      const cache = createDistributeCache(w.db, await repositoryId(w, 'svc-000'));
      const out = await distributeToRepository(w.github.forInstallation(0), {
        owner: ORG,
        repo: 'svc-000',
        defaultBranch: 'main',
        version: { ...v!, ruleCount: v!.rules.length },
        previous: { prNumber: pr.number, branchSha: null },
        cache,
      });
      assert.equal(out.state, 'up-to-date');
      assert.equal(w.openPulls('svc-000').length, 0, 'the open steering PR was closed');
      const comments = w.sim.getRepo(ORG, 'svc-000').comments;
      assert.match(comments.at(-1)?.body ?? '', /no longer needed/);

      // Cold (no cache): the head ref and its tree.
      w.sim.resetRequests();
      const again = await distributeToRepository(w.github.forInstallation(0), {
        owner: ORG,
        repo: 'svc-000',
        defaultBranch: 'main',
        version: { ...v!, ruleCount: v!.rules.length },
        previous: null,
      });
      assert.equal(again.state, 'up-to-date');
      assert.ok(w.sim.requests.length <= 2, `up-to-date took ${w.sim.requests.length} calls`);

      // Warm: the first run above stored main's listing at this head; only the ref is read.
      w.sim.resetRequests();
      const warm = await distributeToRepository(w.github.forInstallation(0), {
        owner: ORG,
        repo: 'svc-000',
        defaultBranch: 'main',
        version: { ...v!, ruleCount: v!.rules.length },
        previous: null,
        cache,
      });
      assert.equal(warm.state, 'up-to-date');
      assert.ok(w.sim.requests.length <= 1, `warm up-to-date took ${w.sim.requests.length} calls`);
    } finally {
      await w.close();
    }
  });

  it('human commits on the branch → blocked with a comment; takeover label lets steering replace it', async () => {
    const w = await createWorld();
    try {
      w.seed(1);
      await w.sync();
      w.startWorker();
      await w.settled((await w.publish(PERFORMANCE))!);
      const [pr] = w.openPulls('svc-000');
      assert.ok(pr);
      const human = w.sim.pushCommit({
        owner: ORG,
        repo: 'svc-000',
        branch: 'steering/performance',
        files: { 'NOTES.md': 'mine\n' },
        login: 'alice',
      });
      const second = await w.publish(TIGHTENED);
      const r = await w.settled(second!);
      assert.equal(r.counts.blocked, 1);
      const [t] = await listRolloutTargets(w.db, second!);
      assert.match(t?.lastError ?? '', /alice/);
      assert.equal(
        w.sim.branchHead(ORG, 'svc-000', 'steering/performance'),
        human,
        'not force-pushed',
      );
      const comment = w.sim.getRepo(ORG, 'svc-000').comments.at(-1)?.body ?? '';
      assert.match(comment, /steering-takeover/);
      assert.match(comment, /delete the branch/);

      w.sim.getRepo(ORG, 'svc-000').pulls[0]!.labels.push('steering-takeover');
      const third = await w.publish(`${TIGHTENED}\n`);
      const r3 = await w.settled(third!);
      assert.equal(r3.counts.updated, 1);
      assert.equal(w.sim.listPulls(ORG, 'svc-000').length, 1);
      assert.notEqual(w.sim.branchHead(ORG, 'svc-000', 'steering/performance'), human);
    } finally {
      await w.close();
    }
  });

  it('canary wave first, the rest after it succeeds; a failing canary pauses until promote', async () => {
    const w = await createWorld();
    try {
      w.seed(4, (i) => ({ topics: i === 0 ? ['steering-canary'] : [] }));
      w.sim.addRepo({ owner: ORG, name: 'archived', archived: true });
      w.sim.addRepo({ owner: ORG, name: 'opted-out', topics: ['steering-opt-out'] });
      await w.sync();
      assert.equal((await listRepositories(w.db)).length, 6);
      const id = await w.publish(PERFORMANCE);
      const waves = await listRolloutTargets(w.db, id!);
      assert.equal(waves.length, 4, 'archived and opted-out repos are skipped');
      assert.deepEqual(
        waves.filter((t) => t.wave === 0).map((t) => t.repository),
        ['acme/svc-000'],
      );
      w.startWorker();
      const r = await w.waitFor(id!, (x) => x.state === 'completed');
      assert.equal(r.counts.opened, 4);

      // A canary that fails (deleted) pauses the rollout.
      w.sim.deleteRepo(ORG, 'svc-000');
      const second = await w.publish(TIGHTENED);
      const paused = await w.waitFor(second!, (x) => x.state === 'paused');
      assert.equal(paused.counts.failed, 1);
      assert.equal(paused.counts.queued, 3, 'the rest waits');
      const { promoteRollout } = await import('../../src/jobs/index.js');
      assert.equal(await promoteRollout(w.db, w.queue, second!), 3);
      const done = await w.waitFor(second!, (x) => x.state === 'completed');
      assert.equal(done.counts.updated, 3);
      const [failed] = await listRolloutTargets(w.db, second!, { state: 'failed' });
      assert.match(failed?.lastError ?? '', /not found/i);
      assert.equal(failed?.attempts, 1, 'a 404 is not retried');
    } finally {
      await w.close();
    }
  });
});
