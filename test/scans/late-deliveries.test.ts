// GitHub delivers late, out of order and twice. A steering pull request is merged (the merge
// commit arrives in `pull_request.closed` as merge_commit_sha), then a person pushes; GitHub
// holds the deliveries and sends them newest first, each twice. steering must record the
// adoption once, keep the repository head at the newer push (never move it back to the merge),
// scan that head for the adopted track, and never scan the stale merge commit after it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createManualClock } from '../../src/github/index.js';
import { listRuleStatus } from '../../src/store/index.js';
import { createWorld, fixtureFiles, SECRET, waitUntil, type World } from './world.js';

describe('late, reordered and duplicated deliveries', { timeout: 60_000 }, () => {
  const clock = createManualClock();
  let w: World;
  let server: Server;

  before(async () => {
    w = await createWorld({ sim: { clock } });
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

  it('never moves the head behind a newer push, records the merge once, scans the newest head', async () => {
    const repo = await w.addRepo('orders', fixtureFiles('java-spring'));
    const g = await w.db.query<{ latest_version: string }>(
      `SELECT latest_version FROM guidelines WHERE id = 'performance'`,
    );
    const version = g.rows[0]!.latest_version;
    w.sim.pushCommit({
      owner: 'acme',
      repo: 'orders',
      branch: 'steering/performance',
      files: { '.steering/lock.json': `{"guidelines":{"performance":{"version":"${version}"}}}\n` },
      login: 'steering[bot]',
    });
    const pr = await w.github
      .forInstallation(w.installationId)
      .createPullRequest('acme', 'orders', {
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
    await w.sim.flushWebhooks();

    w.sim.holdWebhooks();
    const merge = w.sim.mergePull('acme', 'orders', pr.number, 'service-owner');
    clock.advance(5_000);
    const newer = w.sim.pushCommit({
      owner: 'acme',
      repo: 'orders',
      branch: 'main',
      files: { 'NOTES.md': 'after the merge\n' },
    });
    w.sim.releaseWebhooks({ order: 'reverse', duplicate: true });
    await w.sim.flushWebhooks();

    await waitUntil('adoption recorded', async () => (await w.count('adoptions')) === 1);
    await waitUntil('the newer head scanned for the adopted track', async () => {
      const s = await listRuleStatus(w.db, repo.id);
      return s.some((x) => x.track === 'adopted' && x.sha === newer);
    });
    const head = await w.db.query<{ head_sha: string }>(
      `SELECT head_sha FROM repositories WHERE id = $1`,
      [repo.id],
    );
    assert.equal(head.rows[0]?.head_sha, newer, 'the head stays at the newer push');
    assert.equal(await w.count('adoptions'), 1);
    // Deliveries race each other into the queue: the merge may be handled before the newer push
    // is seen, and its scan may then finish after the newer head's (the scan workers run side by
    // side). What must hold once every job has settled: the latest status of both tracks is the
    // newer head's, never the stale merge commit's.
    await waitUntil('every delivery and scan job settled', async () => {
      const c = await w.queue.getJobCounts('waiting', 'delayed', 'active');
      return Object.values(c).every((n) => n === 0);
    });
    const status = await listRuleStatus(w.db, repo.id);
    assert.deepEqual(
      [
        ...new Set(
          status.filter((x) => x.track === 'latest' || x.track === 'adopted').map((x) => x.sha),
        ),
      ],
      [newer],
      'the latest status of both tracks is of the newer push',
    );
    assert.notEqual(merge, newer);
    const closed = w.sim.deliveries.filter(
      (d) => d.event === 'pull_request' && d.action === 'closed',
    );
    assert.equal(closed.length, 1);
    assert.equal(
      await w.count('webhook_deliveries WHERE delivery_id = $1', [closed[0]!.id]),
      1,
      'a duplicate delivery is recorded once',
    );
    await w.sim.flushWebhooks(); // the scans' own check_run deliveries
    assert.deepEqual(
      w.sim.deliveries.filter((d) => d.status !== 202),
      [],
    );
  });
});
