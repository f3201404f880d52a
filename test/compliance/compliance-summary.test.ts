// The fleet summary reads `compliance_summary` and `compliance_rule_failing`, which triggers on
// rule_status (and on the summary rows) keep. On both store drivers, after every kind of write
// (scan, rescan, measured update, deletion) and every read-time change (waivers granted, expiring
// and revoked; due dates passing; a repository removed), the maintained tables equal rule_status
// aggregated afresh, and the summary read from them equals the summary computed from rule_status.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  FINDING_STATUSES,
  fleetSummary,
  grantWaiver,
  repositoryListSql,
  revokeWaiver,
  type RepositoryFilter,
} from '../../src/compliance/index.js';
import { publishGuideline } from '../../src/publish/index.js';
import { recordAdoption, updateRuleStatus, type Queryable } from '../../src/store/index.js';
import { TEST_DRIVERS, createTestDatabaseOf, type TestDatabase } from '../support/db.js';
import { FLEET_MD, REPOS, RULES, registerRepos, scan } from './seed-fleet.js';

const AGGREGATE = `SELECT repository_id::int, guideline_id, track, count(*)::int AS rules,
    count(*) FILTER (WHERE status IN ('fail', 'error'))::int AS failing_count,
    count(*) FILTER (WHERE status IN ('fail', 'error') AND level = 'MUST')::int AS must_failing,
    coalesce(array_agg(level || '|' || status || '|' || version || '|' || rule_id ORDER BY rule_id)
      FILTER (WHERE status IN ('fail', 'error')), '{}') AS failing
  FROM rule_status GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`;
const MAINTAINED = `SELECT repository_id::int, guideline_id, track, rules, failing_count, must_failing,
    failing FROM compliance_summary ORDER BY 1, 2, 3`;
const RULE_COUNTS = `SELECT guideline_id, track, level || '|' || status || '|' || version || '|' || rule_id
    AS key, count(*)::int AS repositories FROM rule_status WHERE status IN ('fail', 'error')
  GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`;
/** Repository list filters: every status, a rule's statuses, topic, adoption, overdue, a page. */
const FILTERS: RepositoryFilter[] = [];
for (const guideline of [undefined, 'fleet'])
  for (const topic of [undefined, 'payments'])
    for (const overdue of [undefined, true, false])
      for (const status of [undefined, 'compliant', 'noncompliant', 'unscanned'])
        for (const adopted of [undefined, 'none', '1.0.0'])
          FILTERS.push({ guideline, topic, overdue, status, adopted, limit: 10 });
for (const rule of [RULES.health, RULES.simple])
  for (const status of FINDING_STATUSES)
    for (const overdue of [undefined, true, false])
      FILTERS.push({ rule, status, overdue, limit: 10 });

const KEPT_RULE_COUNTS = `SELECT guideline_id, track, key, repositories FROM compliance_rule_failing
  WHERE repositories <> 0 ORDER BY 1, 2, 3`;

for (const driver of TEST_DRIVERS) {
  describe(`compliance summary (${driver})`, () => {
    let t: TestDatabase;

    /** The table equals a fresh aggregate, and both summaries agree; returns the summary. */
    async function consistent() {
      const [fresh, kept] = await Promise.all([t.db.query(AGGREGATE), t.db.query(MAINTAINED)]);
      assert.deepEqual(kept.rows, fresh.rows);
      const [freshCounts, keptCounts] = await Promise.all([
        t.db.query(RULE_COUNTS),
        t.db.query(KEPT_RULE_COUNTS),
      ]);
      assert.deepEqual(keptCounts.rows, freshCounts.rows);
      const [maintained, computed] = await Promise.all([
        fleetSummary(t.db, { guideline: 'fleet' }),
        fleetSummary(t.db, { guideline: 'fleet', source: 'computed' }),
      ]);
      assert.deepEqual(maintained, computed);
      // The repository filters over compliance_summary equal the same filters over rule_status.
      for (const f of FILTERS) {
        const page = async (source: 'maintained' | 'computed') => {
          const { sql, params } = repositoryListSql(f, source);
          return (await t.db.query<{ id: string }>(sql, params)).rows.map((r) => Number(r.id));
        };
        assert.deepEqual(await page('maintained'), await page('computed'), JSON.stringify(f));
      }
      return maintained[0]!;
    }

    before(async () => {
      t = await createTestDatabaseOf(driver);
      await publishGuideline(t.db, { source: FLEET_MD, path: 'fleet.md', publisher: 'test' });
      await registerRepos(t.db, REPOS);
      await recordAdoption(t.db, { repositoryId: 101, guideline: 'fleet', version: '1.0.0' });
      await recordAdoption(t.db, { repositoryId: 102, guideline: 'fleet', version: '1.0.0' });
    });
    after(async () => {
      await t?.drop();
    });

    it('follows scans, rescans and measured updates', async () => {
      assert.equal((await consistent()).repositories.scanned, 0);
      await scan(t.db, 101, [RULES.health, RULES.json], ['adopted', 'latest']);
      await scan(t.db, 102, [], ['adopted', 'latest']);
      await scan(t.db, 103, [RULES.simple], ['latest']);
      let s = await consistent();
      assert.equal(s.repositories.scanned, 3);
      assert.equal(s.repositories.compliantMust, 1);
      // A rescan replaces a track's rows (delete, then insert).
      await scan(t.db, 102, [RULES.endpoint], ['latest'], 'b'.repeat(40));
      s = await consistent();
      assert.equal(s.repositories.compliantMust, 0);
      // A measurement rewrites one row in place.
      await updateRuleStatus(t.db, 103, {
        ruleId: RULES.simple,
        track: 'latest',
        status: 'pass',
        message: 'measured 80 ms',
        evidence: [],
      });
      s = await consistent();
      assert.equal(s.repositories.compliantMust, 1);
      await updateRuleStatus(t.db, 103, {
        ruleId: RULES.json,
        track: 'latest',
        status: 'error',
        message: 'report unreadable',
        evidence: [],
      });
      s = await consistent();
      assert.equal(s.repositories.compliantAll, 0);
    });

    it('applies waivers and due dates when read, with no refresh', async () => {
      const health = async () =>
        (await consistent()).topFailingRules.find((r) => r.ruleId === RULES.health);
      assert.deepEqual(await health(), {
        ruleId: RULES.health,
        level: 'MUST',
        failing: 1,
        overdue: 1,
        exempt: 0,
      });
      const w = await grantWaiver(
        t.db,
        {
          repository: 'acme/alpha',
          rule: 'fleet.response-times.*',
          owner: 'team',
          reason: 'q3',
          expires: '30d',
        },
        { actor: 'test', source: 'api' },
      );
      assert.equal(await health(), undefined);
      assert.equal((await consistent()).overdue.findings, 0);
      // The waiver lapses: its expiry passes (the clock is the database's).
      await t.db.query(
        `UPDATE waivers SET expires_at = now() - interval '1 second' WHERE id = $1`,
        [w.id],
      );
      assert.equal((await health())?.failing, 1);
      const topic = await grantWaiver(
        t.db,
        {
          topic: 'payments',
          rule: RULES.health,
          owner: 'platform',
          reason: 'migration',
          expires: '30d',
        },
        { actor: 'test', source: 'cli' },
      );
      assert.equal(await health(), undefined);
      await revokeWaiver(t.db, topic.id, { actor: 'test' });
      const fleet = await grantWaiver(
        t.db,
        { fleet: true, rule: 'fleet.*', owner: 'platform', reason: 'freeze', expires: '30d' },
        { actor: 'test', source: 'api' },
      );
      const waived = await consistent();
      assert.equal(waived.repositories.compliantAll, waived.repositories.scanned);
      await revokeWaiver(t.db, fleet.id, { actor: 'test' });
      // The due date moves into the future, then passes again.
      await t.db.query(`UPDATE rule_deadlines SET due_at = now() + interval '1 day'`);
      assert.equal((await health())?.overdue, 0);
      await t.db.query(`UPDATE rule_deadlines SET due_at = now() - interval '1 second'`);
      assert.equal((await health())?.overdue, 1);
    });

    it('drops what is gone: a removed repository, deleted statuses', async () => {
      await t.db.query(`UPDATE repositories SET deleted_at = now() WHERE id = 101`);
      const left = await consistent();
      assert.equal(left.repositories.scanned, 2);
      // Only the removed repository failed these: the kept counts still hold it, the read does not.
      const ids = left.topFailingRules.map((r) => r.ruleId);
      assert.ok(!ids.includes(RULES.health), ids.join(', '));
      await t.db.query(`DELETE FROM rule_status WHERE repository_id = 102 AND track = 'latest'`);
      const s = await consistent();
      assert.equal(s.repositories.scanned, 1);
      const rows = await t.db.query(
        `SELECT track FROM compliance_summary WHERE repository_id = 102`,
      );
      assert.deepEqual(rows.rows, [{ track: 'adopted' }]);
    });
  });
}

// Two scans that change the same per-rule counters in opposite order, each over two statements:
// the second writer queues on the counts' advisory lock until the first commits. Without it each
// would hold one counter row the other needs, and PostgreSQL would abort one as a deadlock.
describe('compliance rule counts under concurrent writers (postgres)', () => {
  let t: TestDatabase;
  before(async () => {
    t = await createTestDatabaseOf('postgres');
    await publishGuideline(t.db, { source: FLEET_MD, path: 'fleet.md', publisher: 'test' });
    await registerRepos(
      t.db,
      REPOS.filter((x) => x.id === 101 || x.id === 102),
    );
    await scan(t.db, 101, [], ['latest']);
    await scan(t.db, 102, [], ['latest']);
  });
  after(async () => {
    await t?.drop();
  });

  it('queues the second writer instead of deadlocking', async () => {
    const fail = (tx: Queryable, repo: number, rule: string) =>
      tx.query(
        `UPDATE rule_status SET status = 'fail' WHERE repository_id = $1 AND rule_id = $2
           AND track = 'latest'`,
        [repo, rule],
      );
    /** Resolves once backend `pid` waits for a lock (polled: a state, not a delay). */
    const waitingForLock = async (pid: number) => {
      for (;;) {
        const r = await t.db.query<{ w: string | null }>(
          `SELECT wait_event_type AS w FROM pg_stat_activity WHERE pid = $1`,
          [pid],
        );
        if (r.rows[0]?.w === 'Lock') return;
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    let second: Promise<void> | undefined;
    await t.db.transaction(async (a) => {
      await fail(a, 101, RULES.health);
      let firstWrote!: () => void;
      const wrote = new Promise<void>((resolve) => (firstWrote = resolve));
      let pidOf!: (pid: number) => void;
      const pid = new Promise<number>((resolve) => (pidOf = resolve));
      second = t.db.transaction(async (b) => {
        pidOf((await b.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid);
        await fail(b, 102, RULES.json);
        firstWrote();
        await fail(b, 102, RULES.health);
      });
      // The second writer is either queued (the lock) or has written its first counter.
      await Promise.race([wrote, pid.then(waitingForLock)]);
      await fail(a, 101, RULES.json);
    });
    await second;
    const counts = await t.db.query(KEPT_RULE_COUNTS);
    assert.deepEqual(
      counts.rows.filter((r) => r.track === 'latest').map((r) => [r.key, r.repositories]),
      [
        [`MUST|fail|1.0.0|${RULES.health}`, 2],
        [`SHOULD|fail|1.0.0|${RULES.json}`, 2],
      ],
    );
  });
});
