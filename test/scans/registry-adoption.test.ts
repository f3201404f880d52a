// Merged steering pull requests record the adoption and scan both tracks; a newer published
// version is scanned beside the adopted one; repository and installation events keep the
// registry in step.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { publishGuideline } from '../../src/publish/index.js';
import { getRepository, listRuleStatus } from '../../src/store/index.js';
import { createWorld, examples, fixtureFiles, waitUntil, type World } from './world.js';

const PERFORMANCE = readFileSync(
  new URL('../../guidelines/performance.md', import.meta.url),
  'utf8',
);

describe('adoptions and the registry', () => {
  let w: World;
  let repo: { id: number; head: string };
  let v1: string;

  before(async () => {
    w = await createWorld();
    repo = await w.addRepo('payments', fixtureFiles('node-express'));
    w.startWorker();
    const g = await w.db.query<{ latest_version: string }>(
      `SELECT latest_version FROM guidelines WHERE id = 'performance'`,
    );
    v1 = g.rows[0]!.latest_version;
  });
  after(async () => {
    await w?.close();
  });

  it('a merged steering pull request records the adoption and scans both tracks', async () => {
    const r = await w.db.query<{ id: string }>(
      `INSERT INTO rollouts (guideline_id, version, created_by) VALUES ('performance', $1, 'test') RETURNING id`,
      [v1],
    );
    await w.db.query(
      `INSERT INTO rollout_targets (rollout_id, repository_id, state, pr_number) VALUES ($1, $2, 'opened', 5)`,
      [r.rows[0]!.id, repo.id],
    );
    const p = examples('pull_request').find((x) => x.action === 'closed')!;
    p.number = 5;
    p.pull_request.number = 5;
    p.pull_request.merged = true;
    p.pull_request.head.ref = 'steering/performance';
    p.pull_request.base.ref = 'main';
    p.pull_request.merge_commit_sha = repo.head;
    Object.assign(p.repository, {
      id: repo.id,
      name: 'payments',
      full_name: 'acme/payments',
      default_branch: 'main',
    });
    p.repository.owner.login = 'acme';
    p.installation = { id: w.installationId, node_id: 'x' };
    const res = await w.deliver('pull_request', p);
    assert.equal(res.body.status, 'recorded');
    await waitUntil(
      'adopted scan',
      async () =>
        (await w.count(
          `scans WHERE repository_id = $1 AND 'adopted' = ANY(tracks) AND check_run_id IS NOT NULL`,
          [repo.id],
        )) > 0,
    );
    const adoption = await w.db.query(
      `SELECT version, pr_number FROM adoptions WHERE repository_id = $1`,
      [repo.id],
    );
    assert.deepEqual(adoption.rows, [{ version: v1, pr_number: 5 }]);
    const target = await w.db.query(`SELECT state FROM rollout_targets WHERE repository_id = $1`, [
      repo.id,
    ]);
    assert.equal(target.rows[0]!.state, 'merged');
    const tracks = new Set(
      (await listRuleStatus(w.db, repo.id)).map((s) => `${s.track}@${s.version}`),
    );
    assert.deepEqual([...tracks].sort(), [`adopted@${v1}`, `latest@${v1}`]);
  });

  it('after a newer version is published, a push scans the adopted and the latest version', async () => {
    const published = await publishGuideline(w.db, {
      source: PERFORMANCE.replace('- Health checks: < 50ms', '- Health checks: < 20ms'),
      path: 'guidelines/performance.md',
      publisher: 'test',
    });
    assert.notEqual(published.version, v1);
    const sha = w.sim.pushCommit({
      owner: 'acme',
      repo: 'payments',
      branch: 'main',
      files: { 'NOTES.md': 'x\n' },
    });
    const res = await w.deliver('push', w.pushPayload('payments', repo.head, sha, ['NOTES.md']));
    assert.equal(res.body.status, 'recorded');
    await waitUntil(
      'two scans of the push',
      async () => (await w.count(`scans WHERE sha = $1 AND check_run_id IS NOT NULL`, [sha])) === 2,
    );
    const status = await listRuleStatus(w.db, repo.id);
    const versions = new Set(status.map((s) => `${s.track}@${s.version}`));
    assert.deepEqual([...versions].sort(), [`adopted@${v1}`, `latest@${published.version}`]);
    assert.ok(status.every((s) => s.sha === sha));
    assert.equal(
      w.sim.getRepo('acme', 'payments').checkRuns.filter((c) => c.headSha === sha).length,
      1,
    );
  });

  it('repository and installation events update the registry', async () => {
    const renamed = examples('repository').find((x) => x.action === 'renamed')!;
    Object.assign(renamed.repository, {
      id: repo.id,
      name: 'payments-api',
      full_name: 'acme/payments-api',
    });
    renamed.repository.owner.login = 'acme';
    renamed.installation = { id: w.installationId, node_id: 'x' };
    assert.equal((await w.deliver('repository', renamed)).body.status, 'recorded');
    await waitUntil(
      'renamed',
      async () => (await getRepository(w.db, repo.id))?.name === 'payments-api',
    );

    const extra = w.sim.addRepo({ owner: 'acme', name: 'ledger', defaultBranch: 'trunk' });
    const added = examples('installation_repositories').find((x) => x.action === 'added')!;
    added.installation.id = w.installationId;
    added.repositories_added = [
      { id: extra.id, name: 'ledger', full_name: 'acme/ledger', private: true },
    ];
    assert.equal((await w.deliver('installation_repositories', added)).body.status, 'recorded');
    const ledger = await waitUntil('ledger registered', () => getRepository(w.db, extra.id));
    assert.equal(ledger.defaultBranch, 'trunk', 'read from GitHub by the worker, not guessed');

    const removed = examples('installation_repositories').find((x) => x.action === 'removed')!;
    removed.installation.id = w.installationId;
    removed.repositories_removed = [
      { id: extra.id, name: 'ledger', full_name: 'acme/ledger', private: true },
    ];
    assert.equal((await w.deliver('installation_repositories', removed)).body.status, 'recorded');
    await waitUntil('ledger removed', async () => (await getRepository(w.db, extra.id))?.deletedAt);
  });
});
