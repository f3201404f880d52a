import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { SteeringError } from '../../src/errors.js';
import { nextVersion } from '../../src/guidelines/index.js';
import { publishGuideline, summarizeChangelog } from '../../src/publish/index.js';
import { getGuideline, getRuleHistory, listGuidelineVersions } from '../../src/store/index.js';
import { createTestDatabaseOf, TEST_DRIVERS, type TestDatabase } from '../support/db.js';

const PERFORMANCE = readFileSync(
  new URL('../../guidelines/performance.md', import.meta.url),
  'utf8',
);
const HEALTH_RULE = 'performance.api-response-times.health-checks';
const tightened = PERFORMANCE.replace('- Health checks: < 50ms', '- Health checks: < 20ms');

for (const driver of TEST_DRIVERS)
  describe(`publishing (${driver})`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await createTestDatabaseOf(driver, { max: 6 });
    });
    after(() => t.drop());

    it('stores 1.0.0, republishing is a no-op, a tightened threshold stores 2.0.0 naming the rule', async () => {
      assert.notEqual(tightened, PERFORMANCE);
      const hooked: string[] = [];
      const onPublished = async (
        tx: { query: (s: string) => Promise<unknown> },
        r: { version: string },
      ) => {
        await tx.query('SELECT 1');
        hooked.push(r.version);
      };
      const first = await publishGuideline(
        t.db,
        { source: PERFORMANCE, path: 'guidelines/performance.md', publisher: 'test' },
        { onPublished },
      );
      assert.equal(first.guideline, 'performance');
      assert.equal(first.version, '1.0.0');
      assert.equal(first.created, true);
      assert.ok(first.ruleCount > 10);

      const again = await publishGuideline(
        t.db,
        { source: PERFORMANCE, path: 'guidelines/performance.md', publisher: 'test' },
        { onPublished },
      );
      assert.equal(again.created, false);
      assert.equal(again.version, '1.0.0');
      assert.equal(again.bump, 'none');
      assert.equal((await listGuidelineVersions(t.db, 'performance')).length, 1);

      const dry = await publishGuideline(
        t.db,
        { source: tightened, path: 'guidelines/performance.md', publisher: 'test' },
        { dryRun: true },
      );
      assert.equal(dry.version, '2.0.0');
      assert.equal(dry.created, false);
      assert.equal(
        (await listGuidelineVersions(t.db, 'performance')).length,
        1,
        'a dry run writes nothing',
      );

      const second = await publishGuideline(
        t.db,
        { source: tightened, path: 'guidelines/performance.md', publisher: 'test' },
        { onPublished },
      );
      assert.equal(second.version, '2.0.0');
      assert.equal(second.bump, 'major');
      assert.equal(second.previousVersion, '1.0.0');
      assert.deepEqual(
        second.changelog.changed.map((c) => c.id),
        [HEALTH_RULE],
      );
      assert.match(
        summarizeChangelog(second.changelog),
        new RegExp(HEALTH_RULE.replace(/\./g, '\\.')),
      );
      assert.deepEqual(hooked, ['1.0.0', '2.0.0'], 'the hook runs once per stored version');

      assert.equal((await getGuideline(t.db, 'performance'))?.latestVersion, '2.0.0');
      const history = await getRuleHistory(t.db, HEALTH_RULE);
      assert.deepEqual(
        history.map((h) => [h.version, h.rule.threshold?.value]),
        [
          ['2.0.0', 20],
          ['1.0.0', 50],
        ],
      );
    });

    it('two concurrent publishes never produce a duplicate number or a gap', async () => {
      const doc = (n: number) =>
        `---\nid: concurrent\ntitle: Concurrent\n---\n# Concurrent\n\n## Limits\n\n- Response time: < ${n}ms\n`;
      const first = await publishGuideline(t.db, { source: doc(500), publisher: 'a' });
      assert.equal(first.version, '1.0.0');
      // Same content twice at once: exactly one version.
      const [a, b] = await Promise.all([
        publishGuideline(t.db, { source: doc(400), publisher: 'a' }),
        publishGuideline(t.db, { source: doc(400), publisher: 'b' }),
      ]);
      assert.deepEqual([a.created, b.created].sort(), [false, true]);
      assert.equal(a.version, b.version);
      // Different content at once: each version follows the one before, none repeated or skipped.
      await Promise.all(
        [300, 200, 100].map((n) => publishGuideline(t.db, { source: doc(n), publisher: 'c' })),
      );
      const versions = (await listGuidelineVersions(t.db, 'concurrent')).reverse();
      assert.equal(versions.length, 5);
      assert.equal(new Set(versions.map((v) => v.version)).size, 5);
      for (let i = 1; i < versions.length; i++) {
        const prev = versions[i - 1]!;
        const cur = versions[i]!;
        assert.equal(cur.previousVersion, prev.version);
        assert.equal(cur.version, nextVersion(prev.version, cur.bump));
      }
    });

    it('rejects a document with errors whole, with file:line:column messages', async () => {
      const broken = '---\nid: Not Valid!\n---\n# Broken\n';
      await assert.rejects(
        publishGuideline(t.db, { source: broken, path: 'guidelines/broken.md', publisher: 'test' }),
        (err: unknown) => {
          assert.ok(err instanceof SteeringError);
          assert.equal(err.code, 'INVALID_DOCUMENT');
          assert.match(err.message, /guidelines\/broken\.md:\d+:\d+: error /);
          assert.ok(Array.isArray((err.details as { diagnostics: unknown[] }).diagnostics));
          return true;
        },
      );
      assert.equal(await getGuideline(t.db, 'broken'), null);
    });
  });
