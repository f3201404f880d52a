import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { syncRepositories } from '../../src/fleet/index.js';
import { createGitHubPort, startSimulator } from '../../src/github/index.js';
import { listRepositories } from '../../src/store/index.js';
import { createTestDatabase } from '../support/db.js';
import { githubConfig } from '../github/start-port.js';

describe('syncRepositories', { timeout: 30_000 }, () => {
  it('mirrors the installation, reports skips, marks vanished repositories deleted', async () => {
    const t = await createTestDatabase();
    const sim = await startSimulator();
    try {
      const installationId = sim.addInstallation('acme');
      sim.addToken('ghs_sync', { login: 'steering[bot]', installationId });
      sim.addRepo({ owner: 'acme', name: 'api', topics: ['java'] });
      sim.addRepo({ owner: 'acme', name: 'old', archived: true });
      sim.addRepo({ owner: 'acme', name: 'fork', fork: true });
      sim.addRepo({ owner: 'acme', name: 'quiet', topics: ['steering-opt-out'] });
      sim.addRepo({ owner: 'other', name: 'elsewhere' }); // another installation: not visible
      const github = createGitHubPort(githubConfig(sim.url, { kind: 'token', token: 'ghs_sync' }), {
        retryBaseDelayMs: 5,
      });
      const sel = { orgs: [], topicsInclude: [], topicsExclude: [], canaryRepos: [] };
      const first = await syncRepositories(github, t.db, sel);
      assert.equal(first.seen, 4);
      assert.equal(first.eligible, 1);
      assert.deepEqual(first.skipped.map((s) => s.repository).sort(), [
        'acme/fork',
        'acme/old',
        'acme/quiet',
      ]);
      const rows = await listRepositories(t.db);
      assert.deepEqual(
        rows.map((r) => r.fullName),
        ['acme/api', 'acme/fork', 'acme/old', 'acme/quiet'],
      );
      assert.deepEqual(rows[0]?.topics, ['java']);
      assert.equal(rows[0]?.defaultBranch, 'main');

      sim.deleteRepo('acme', 'old');
      const second = await syncRepositories(github, t.db, sel);
      assert.equal(second.deleted, 1);
      assert.equal((await listRepositories(t.db)).length, 3);
      assert.ok(
        (await listRepositories(t.db, { includeDeleted: true })).find((r) => r.name === 'old')
          ?.deletedAt,
      );
    } finally {
      await sim.close();
      await t.drop();
    }
  });
});
