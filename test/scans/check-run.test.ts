// The check run carries annotations at file:line for failing evidence, sent 50 per request (the
// simulator rejects more, as GitHub does), and a failure conclusion when a MUST rule fails.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { scanRepository } from '../../src/scans/index.js';
import { silentLogger } from '../../src/log.js';
import { createWorld, fixtureFiles, type World } from './world.js';

describe('check run', () => {
  let w: World;
  before(async () => {
    w = await createWorld();
  });
  after(async () => {
    await w?.close();
  });

  it('annotates failing evidence at file:line in batches of 50', async () => {
    const files = fixtureFiles('python-fastapi');
    for (let i = 0; i < 70; i++)
      files[`app/reports/report_${i}.py`] =
        `def load(db):\n    return db.execute("SELECT * FROM orders_${i}")\n`;
    const repo = await w.addRepo('reports', files);
    w.sim.resetRequests();
    const out = await scanRepository(
      { db: w.db, github: w.github, checks: w.checks, logger: silentLogger },
      { repositoryId: repo.id, sha: repo.head, trigger: 'manual' },
    );
    assert.equal(out.kind, 'scanned');
    const run = w.sim.getRepo('acme', 'reports').checkRuns[0]!;
    assert.equal(run.conclusion, out.kind === 'scanned' ? out.conclusion : '');
    const annotations = run.annotations as {
      path: string;
      start_line: number;
      annotation_level: string;
    }[];
    const selects = annotations.filter((a) => a.path.startsWith('app/reports/'));
    assert.ok(selects.length >= 51, `annotations: ${selects.length}`);
    assert.ok(selects.every((a) => a.start_line === 2));
    const writes = w.sim.count({ path: '/check-runs' });
    assert.equal(writes, 1 + Math.ceil(annotations.length / 50) - 1);
    assert.match(String(run.output.text), /Failing rules/);
  });
});
