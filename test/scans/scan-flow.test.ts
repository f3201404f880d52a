// A signed push for a registered repository → scan, findings with evidence, latest status per
// rule and a check run on the commit; the same delivery again changes nothing; a one-file push
// rescans in ≤ 3 GitHub requests; a rerequested check suite rescans without reading the tree.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { webhookIntakeIdle } from '../../src/http/index.js';
import { CHECK_RUN_NAME } from '../../src/scans/index.js';
import { listRuleStatus } from '../../src/store/index.js';
import { createWorld, examples, fixtureFiles, waitUntil, type World } from './world.js';

describe('scan flow against the simulator', () => {
  let w: World;
  let repo: { id: number; head: string };
  const pushId = randomUUID();

  before(async () => {
    w = await createWorld();
    repo = await w.addRepo('orders', fixtureFiles('python-fastapi'));
    w.startWorker();
  });
  after(async () => {
    await w?.close();
  });

  it('a signed push produces a scan, findings with evidence, statuses and a check run', async () => {
    const res = await w.deliver('push', w.pushPayload('orders', '0'.repeat(40), repo.head), {
      id: pushId,
    });
    assert.equal(res.status, 202);
    assert.equal(res.body.status, 'recorded');
    await waitUntil(
      'check run id stored',
      async () =>
        (await w.count(`scans WHERE repository_id = $1 AND sha = $2 AND check_run_id IS NOT NULL`, [
          repo.id,
          repo.head,
        ])) > 0,
    );
    const findings = await w.db.query<{ rule_id: string; status: string; evidence: unknown[] }>(
      `SELECT f.rule_id, f.status, f.evidence FROM findings f JOIN scans s ON s.id = f.scan_id
       WHERE s.repository_id = $1 AND s.sha = $2`,
      [repo.id, repo.head],
    );
    assert.ok(findings.rows.length > 5);
    const withEvidence = findings.rows.filter((f) => f.evidence.length > 0);
    assert.ok(withEvidence.length > 0, 'some findings carry evidence');
    const ev = withEvidence[0]!.evidence[0] as { path: string; line: number };
    assert.ok(ev.path.length > 0 && ev.line >= 1);
    assert.ok(findings.rows.some((f) => f.status === 'pass'));

    const status = await listRuleStatus(w.db, repo.id);
    assert.equal(status.length, findings.rows.length);
    assert.ok(status.every((s) => s.sha === repo.head && s.track === 'latest'));

    const runs = w.sim.getRepo('acme', 'orders').checkRuns;
    assert.equal(runs.length, 1);
    assert.equal(runs[0]!.name, CHECK_RUN_NAME);
    assert.equal(runs[0]!.headSha, repo.head);
    assert.equal(runs[0]!.status, 'completed');
    assert.match(String(runs[0]!.output.summary), /\| performance \|/);
    await webhookIntakeIdle(w.app); // the marker is written once the queue took the delivery
    const delivery = await w.db.query(
      `SELECT enqueued_at, processed_at FROM webhook_deliveries WHERE delivery_id = $1`,
      [pushId],
    );
    assert.ok(delivery.rows[0]!.enqueued_at && delivery.rows[0]!.processed_at);
  });

  it('the same delivery again changes nothing', async () => {
    const scans = await w.count('scans');
    const findings = await w.count('findings');
    const requests = w.sim.requests.length;
    const res = await w.deliver('push', w.pushPayload('orders', '0'.repeat(40), repo.head), {
      id: pushId,
    });
    assert.equal(res.status, 202);
    assert.equal(res.body.status, 'duplicate');
    assert.equal(await w.count('webhook_deliveries'), 1);
    // A new delivery id for the same commit is a no-op too (job id keyed by repo + sha + versions).
    const again = await w.deliver('push', w.pushPayload('orders', '0'.repeat(40), repo.head));
    assert.equal(again.body.status, 'recorded');
    await waitUntil(
      'second delivery processed',
      async () => (await w.count('webhook_deliveries WHERE processed_at IS NOT NULL')) === 2,
    );
    // The delivery job marks its row processed before the queue marks the job done: wait for the
    // queue to settle, then nothing may have been scanned, stored or asked of GitHub again.
    await waitUntil('the queue settled', async () => {
      const c = await w.queue.getJobCounts('waiting', 'active', 'delayed');
      return c.waiting! + c.active! + c.delayed! === 0;
    });
    assert.equal(await w.count('scans'), scans);
    assert.equal(await w.count('findings'), findings);
    assert.equal(w.sim.getRepo('acme', 'orders').checkRuns.length, 1);
    assert.equal(w.sim.requests.length, requests);
  });

  it('a rescan after a one-file push costs at most 3 GitHub requests', async () => {
    const sha = w.sim.pushCommit({
      owner: 'acme',
      repo: 'orders',
      branch: 'main',
      files: { 'app/db.py': 'from sqlalchemy import create_engine\nengine = create_engine(URL)\n' },
    });
    w.sim.resetRequests();
    const res = await w.deliver('push', w.pushPayload('orders', repo.head, sha, ['app/db.py']));
    assert.equal(res.body.status, 'recorded');
    await waitUntil(
      'rescan stored',
      async () => (await w.count(`scans WHERE sha = $1 AND check_run_id IS NOT NULL`, [sha])) > 0,
    );
    const log = w.sim.requests.map((r) => `${r.method} ${r.path} ${r.status}`);
    assert.ok(w.sim.requests.length <= 3, log.join('\n'));
    assert.equal(w.sim.count({ method: 'GET', path: '/git/blobs/' }), 1, log.join('\n'));
    const status = await listRuleStatus(w.db, repo.id);
    assert.ok(status.every((s) => s.sha === sha));
    repo.head = sha;
  });

  it('a rerequested check suite rescans the commit without reading the tree again', async () => {
    const p = examples('check_suite').find((x) => x.action === 'rerequested')!;
    p.check_suite.head_sha = repo.head;
    p.repository.id = repo.id;
    p.repository.name = 'orders';
    p.repository.full_name = 'acme/orders';
    p.installation = { id: w.installationId, node_id: 'x' };
    w.sim.resetRequests();
    const runsBefore = w.sim.getRepo('acme', 'orders').checkRuns.length;
    const res = await w.deliver('check_suite', p);
    assert.equal(res.body.status, 'recorded');
    await waitUntil(
      'second check run',
      async () => w.sim.getRepo('acme', 'orders').checkRuns.length > runsBefore,
    );
    assert.equal(w.sim.count({ path: '/git/trees/' }), 0);
    assert.equal(w.sim.count({ path: '/git/blobs/' }), 0);
  });
});
