// .steering/waivers.yaml through the scan: validated in the check run (line:column annotations),
// in force once it is on the default-branch head (a branch commit changes nothing), no longer at
// its expiry, revoked when removed from the default branch, each change audited as the repository.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { repositoryCompliance } from '../../src/compliance/index.js';
import { silentLogger } from '../../src/log.js';
import { scanRepository } from '../../src/scans/index.js';
import { setRepositoryHead } from '../../src/store/index.js';
import { createWorld, fixtureFiles, type World } from '../scans/world.js';

const day = (offsetDays: number) =>
  new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

describe('.steering/waivers.yaml', () => {
  let w: World;
  before(async () => {
    w = await createWorld();
  });
  after(async () => {
    await w?.close();
  });

  it('is validated in the check run and applies from the default branch', async () => {
    const files = fixtureFiles('trap-select-exists');
    files['.steering/waivers.yaml'] = [
      'waivers:',
      '  - rule: performance.*',
      '    owner: team-claims',
      '    reason: performance work is planned for next quarter',
      `    expires: ${day(30)}`,
      '  - rule: performance.api-response-times.health-checks',
      '    owner: team-claims',
      '    reason: too long',
      `    expires: ${day(400)}`,
      '',
    ].join('\n');
    const repo = await w.addRepo('claims', files);
    await setRepositoryHead(w.db, repo.id, repo.head);
    const deps = { db: w.db, github: w.github, checks: w.checks, logger: silentLogger };
    const scan = (sha: string) =>
      scanRepository(deps, { repositoryId: repo.id, sha, trigger: 'manual', force: true });

    await scan(repo.head);
    const run = w.sim.getRepo('acme', 'claims').checkRuns.at(-1)!;
    assert.equal(run.conclusion, 'failure');
    assert.match(String(run.output.title), /waivers.yaml is invalid/);
    const annotations = run.annotations as { path: string; start_line: number; message: string }[];
    const bad = annotations.find((a) => a.path === '.steering/waivers.yaml');
    assert.equal(bad?.start_line, 9);
    assert.match(bad.message, /more than 180 days/);

    const live = await w.db.query<{ rule_id: string; source: string; created_by: string }>(
      `SELECT rule_id, source, created_by FROM waivers WHERE revoked_at IS NULL`,
    );
    assert.deepEqual(live.rows, [
      { rule_id: 'performance.*', source: 'file', created_by: 'repo:acme/claims' },
    ]);
    const state = await repositoryCompliance(w.db, repo.id);
    const rules = state.tracks[0]!.rules;
    const failing = rules.filter((r) => r.checkStatus === 'fail');
    assert.ok(failing.length > 0, 'the fixture fails some rule');
    assert.ok(failing.every((r) => r.status === 'exempt' && r.waiver?.owner === 'team-claims'));

    // At its expiry the file's waiver stops applying, without a rescan.
    const expiry = await w.db.query<{ expires_at: Date }>(
      `SELECT expires_at FROM waivers WHERE revoked_at IS NULL`,
    );
    await w.db.query(
      `UPDATE waivers SET expires_at = now() - interval '1 second' WHERE revoked_at IS NULL`,
    );
    const expired = (await repositoryCompliance(w.db, repo.id)).tracks[0]!.rules;
    assert.deepEqual(
      expired.filter((r) => r.checkStatus === 'fail').map((r) => [r.ruleId, r.status, r.waiver]),
      failing.map((r) => [r.ruleId, 'fail', null]),
    );
    await w.db.query(`UPDATE waivers SET expires_at = $1 WHERE revoked_at IS NULL`, [
      expiry.rows[0]!.expires_at,
    ]);

    // Removing the file on a branch changes nothing: only the default branch decides.
    const branchSha = w.sim.pushCommit({
      owner: 'acme',
      repo: 'claims',
      branch: 'drop-waivers',
      files: { '.steering/waivers.yaml': null },
    });
    await scan(branchSha);
    assert.equal(await w.count('waivers WHERE revoked_at IS NULL'), 1);

    // Merged to the default branch: the waiver is revoked, by the repository, audited.
    const mainSha = w.sim.pushCommit({
      owner: 'acme',
      repo: 'claims',
      branch: 'main',
      files: { '.steering/waivers.yaml': null },
    });
    await setRepositoryHead(w.db, repo.id, mainSha);
    await scan(mainSha);
    assert.equal(await w.count('waivers WHERE revoked_at IS NULL'), 0);
    const audit = await w.db.query<{ action: string; actor: string }>(
      `SELECT action, actor FROM audit_log ORDER BY id`,
    );
    assert.deepEqual(
      audit.rows.map((r) => `${r.action} ${r.actor}`),
      ['waiver.grant repo:acme/claims', 'waiver.revoke repo:acme/claims'],
    );
    const after = await repositoryCompliance(w.db, repo.id);
    assert.ok(after.tracks[0]!.rules.some((r) => r.status === 'fail'));
  });
});
