// The rollout pull request says what the version means for the repository: its due date, and from
// the scan of the latest version the rules it would fail with their measured figure, overdue ones
// marked.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatDue, repositoryOutlook } from '../../src/compliance/index.js';
import { pullRequestBody } from '../../src/jobs/index.js';
import { getGuidelineVersion } from '../../src/store/index.js';
import { createTestApp } from '../support/app.js';
import { seedFleet } from './seed-fleet.js';

describe('rollout pull request outlook', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  before(async () => {
    t = await createTestApp();
    await seedFleet(t.app, t.db, t.tokens.admin);
  });
  after(async () => {
    await t?.close();
  });

  it('states the due date, the rules that would fail (measured) and what is overdue', async () => {
    const v = (await getGuidelineVersion(t.db, 'fleet', '1.0.0'))!;
    const alpha = await repositoryOutlook(t.db, 101, 'fleet', '1.0.0');
    assert.equal(alpha.scanned, true);
    assert.equal(alpha.dueAt, v.createdAt, 'health checks have no grace: due at publish');
    assert.deepEqual(
      alpha.wouldFail.map((r) => [r.ruleId, r.measured, r.overdue]),
      [
        ['fleet.response-times.health-checks', 'measured 46 ms', true],
        ['fleet.practices.services-log-json', null, false],
      ],
    );
    const body = pullRequestBody({ ...v, ruleCount: v.rules.length, outlook: alpha });
    assert.match(
      body,
      /With 1\.0\.0 this repository would fail 2 rules: Health checks < 50 ?ms \(measured 46 ms\); /,
    );
    assert.match(
      body,
      new RegExp(
        `\\*\\*Overdue\\*\\*: \`fleet\\.response-times\\.health-checks\` \\(was due ${formatDue(v.createdAt)}\\)`,
      ),
    );
    // The same instant on both lines: due at publish, overdue once that has passed.
    assert.match(body, new RegExp(`\\*\\*Due ${formatDue(v.createdAt)}\\*\\*`));

    const bravo = await repositoryOutlook(t.db, 102, 'fleet', '1.0.0');
    assert.match(
      pullRequestBody({ ...v, ruleCount: v.rules.length, outlook: bravo }),
      /With 1\.0\.0 this repository would fail no rule\./,
    );
    const delta = await repositoryOutlook(t.db, 104, 'fleet', '1.0.0');
    assert.equal(delta.scanned, false);
    assert.match(
      pullRequestBody({ ...v, ruleCount: v.rules.length, outlook: delta }),
      /Not scanned against 1\.0\.0 yet/,
    );
  });
});
