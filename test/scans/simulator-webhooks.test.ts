// End to end through the simulator's own signed webhooks: a person pushes → GitHub (simulator)
// delivers `push` → intake → scan → check run; steering's pull request is merged → adoption and a
// scan of the merge commit on both tracks.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listRuleStatus } from '../../src/store/index.js';
import { createWorld, fixtureFiles, SECRET, waitUntil, type World } from './world.js';

describe('simulator webhooks end to end', () => {
  let w: World;
  let server: Server;
  let repo: { id: number; head: string };

  before(async () => {
    w = await createWorld();
    repo = await w.addRepo('inventory', fixtureFiles('java-spring'));
    server = w.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as AddressInfo).port;
    w.sim.setWebhook({ url: `http://127.0.0.1:${port}/webhooks/github`, secret: SECRET });
    w.startWorker();
  });
  after(async () => {
    w?.sim.setWebhook(undefined);
    await new Promise((r) => server?.close(r));
    await w?.close();
  });

  it('a push by a person is scanned and gets a check run', async () => {
    const sha = w.sim.pushCommit({
      owner: 'acme',
      repo: 'inventory',
      branch: 'main',
      files: { 'README.md': '# inventory\n' },
    });
    await w.sim.flushWebhooks();
    assert.equal(w.sim.deliveries.at(-1)?.status, 202);
    await waitUntil('check run on the pushed commit', async () =>
      w.sim.getRepo('acme', 'inventory').checkRuns.some((c) => c.headSha === sha),
    );
    repo.head = sha;
  });

  it('merging the steering pull request records the adoption and scans the merge', async () => {
    const g = await w.db.query<{ latest_version: string }>(
      `SELECT latest_version FROM guidelines WHERE id = 'performance'`,
    );
    const version = g.rows[0]!.latest_version;
    const port = w.github.forInstallation(w.installationId);
    w.sim.pushCommit({
      owner: 'acme',
      repo: 'inventory',
      branch: 'steering/performance',
      files: { '.steering/lock.json': `{"guidelines":{"performance":{"version":"${version}"}}}\n` },
      login: 'steering[bot]',
    });
    const pr = await port.createPullRequest('acme', 'inventory', {
      title: `steering: performance ${version}`,
      body: 'guidelines',
      head: 'steering/performance',
      base: 'main',
    });
    const r = await w.db.query<{ id: string }>(
      `INSERT INTO rollouts (guideline_id, version, created_by) VALUES ('performance', $1, 'test') RETURNING id`,
      [version],
    );
    await w.db.query(
      `INSERT INTO rollout_targets (rollout_id, repository_id, state, pr_number) VALUES ($1, $2, 'opened', $3)`,
      [r.rows[0]!.id, repo.id, pr.number],
    );
    const merge = w.sim.mergePull('acme', 'inventory', pr.number);
    await w.sim.flushWebhooks();
    await waitUntil('adoption recorded', async () => (await w.count('adoptions')) === 1);
    await waitUntil('merge commit scanned on the adopted track', async () => {
      const s = await listRuleStatus(w.db, repo.id);
      return s.some((x) => x.track === 'adopted' && x.sha === merge);
    });
    await waitUntil('check run on the merge commit', async () =>
      w.sim.getRepo('acme', 'inventory').checkRuns.some((c) => c.headSha === merge),
    );
    // The check runs themselves are delivered too (check_run created/completed): wait for them.
    await w.sim.flushWebhooks();
    const failed = w.sim.deliveries.filter((d) => d.status !== 202);
    assert.deepEqual(failed, []);
  });
});
