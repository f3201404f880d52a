/**
 * The fleet at a glance, per guideline: repositories, the share compliant on MUST rules and on all
 * rules (latest version), per adopted version (drift), the top failing rules, coverage (rules some
 * check or measurement decides, over all rules of the latest version) and what is overdue.
 *
 * It reads `compliance_summary` (migration 0090: one row per repository, guideline and track with
 * its failing rules, kept by triggers on rule_status in the writer's transaction), so the cost is
 * one small row per repository rather than every rule's status, and `compliance_rule_failing`
 * (migration 0097: per failing key, how many repositories; kept by triggers on the summary rows)
 * for the per-rule counts, so those need no unpacking. What depends on the clock or on
 * waivers is applied here, at read time, exactly as `statusRows` does for every other fleet query:
 * a waiver in force removes a failing rule, a failing MUST rule past its due date is overdue.
 * One statement per guideline (plus the due-date check and the guideline list).
 */
import type { Db } from '../store/index.js';
import { ensureDeadlines } from './sync-deadlines.js';
import { pastDueSql } from './deadline.js';
import { FAILING } from './status-sql.js';

/** A failing rule's key as compliance_summary lists it: `level|status|version|rule id`. */
const KEY = (rs: string) =>
  `concat_ws('|', ${rs}.level, ${rs}.status, ${rs}.version, ${rs}.rule_id)`;

export interface FleetSummary {
  guideline: string;
  title: string;
  latestVersion: string;
  repositories: {
    total: number;
    scanned: number;
    compliantMust: number;
    compliantAll: number;
    shareCompliantMust: number;
    shareCompliantAll: number;
    overdue: number;
  };
  versions: { version: string | null; repositories: number; compliantMust: number }[];
  drift: { onLatest: number; behind: number; notAdopted: number };
  topFailingRules: {
    ruleId: string;
    level: string;
    failing: number;
    overdue: number;
    exempt: number;
  }[];
  coverage: { rules: number; checked: number; share: number };
  overdue: { repositories: number; findings: number };
}

const LEVEL_RANK: Record<string, number> = { MUST: 0, SHOULD: 1, MAY: 2 };
const share = (n: number, d: number) => (d === 0 ? 0 : Math.round((n / d) * 1000) / 1000);

/**
 * Where the per-repository rows and the per-rule failing counts (latest track, every repository
 * whether deleted or not, waivers ignored) come from: the maintained tables, or the same shapes
 * aggregated from rule_status on the fly (what the tables must always equal; tests compare both).
 */
const SUMMARY_SOURCE = {
  maintained: {
    rows: `SELECT cs.repository_id, cs.track, cs.failing_count, cs.must_failing, cs.failing
      FROM compliance_summary cs WHERE cs.guideline_id = $1`,
    ruleCounts: `SELECT key, repositories AS n FROM compliance_rule_failing
      WHERE guideline_id = $1 AND track = 'latest' AND repositories <> 0`,
  },
  computed: {
    rows: `SELECT rs.repository_id, rs.track,
        count(*) FILTER (WHERE rs.status IN ${FAILING})::int AS failing_count,
        count(*) FILTER (WHERE rs.status IN ${FAILING} AND rs.level = 'MUST')::int AS must_failing,
        coalesce(array_agg(${KEY('rs')}) FILTER (WHERE rs.status IN ${FAILING}), '{}') AS failing
      FROM rule_status rs WHERE rs.guideline_id = $1 GROUP BY rs.repository_id, rs.track`,
    ruleCounts: `SELECT ${KEY('rs')} AS key, count(*)::int AS n FROM rule_status rs
      WHERE rs.guideline_id = $1 AND rs.track = 'latest' AND rs.status IN ${FAILING} GROUP BY 1`,
  },
};
export type SummarySource = keyof typeof SUMMARY_SOURCE;

/**
 * The rule_status rows of guideline $1 a waiver in force covers (both tracks, repositories not
 * deleted), each once. Waiver patterns are matched against the guideline's rule ids once; the
 * rows are then probed by primary key, one LATERAL subquery per repository with its waived rule
 * ids as an array (`rule_id = ANY`; at most one row per rule and track, hence the LIMIT, which
 * also keeps the planner from turning the probes into a scan of every rule_status row of the
 * guideline). One probe per repository rather than per rule also keeps the plan's estimated cost
 * honest: ten thousand single-pair probes priced it over the JIT threshold.
 */
const WAIVED_ROWS = `(WITH live_rules AS MATERIALIZED (
      SELECT DISTINCT w.scope, w.repository_id, w.topic, ru.rule_id
      FROM waivers w JOIN (SELECT DISTINCT rule_id FROM rules WHERE guideline_id = $1) ru
        ON ru.rule_id LIKE w.rule_like
      WHERE w.revoked_at IS NULL AND (w.expires_at IS NULL OR w.expires_at > now())),
    pairs AS (
      SELECT lr.repository_id, lr.rule_id FROM live_rules lr WHERE lr.scope = 'repository'
      UNION SELECT r.id, lr.rule_id FROM live_rules lr
        JOIN repositories r ON r.topics @> ARRAY[lr.topic] WHERE lr.scope = 'topic'
      UNION SELECT r.id, lr.rule_id FROM live_rules lr CROSS JOIN repositories r
        WHERE lr.scope = 'fleet')
    SELECT rs.* FROM (SELECT repository_id, array_agg(rule_id) AS rules FROM pairs
        GROUP BY repository_id) p
    JOIN repositories r ON r.id = p.repository_id AND r.deleted_at IS NULL
    CROSS JOIN LATERAL (SELECT rs.repository_id, rs.rule_id, rs.track,
        rs.status IN ${FAILING} AS failing, ${KEY('rs')} AS key
      FROM rule_status rs WHERE rs.repository_id = p.repository_id AND rs.rule_id = ANY (p.rules)
        AND rs.track IN ('latest', 'adopted') AND rs.guideline_id = $1
      LIMIT 2 * cardinality(p.rules)) rs)`;

/**
 * One guideline's figures in one statement ($1 guideline, $2 its latest version), as JSON
 * columns. A row's failing rules are keys `level|status|version|rule`; the keys overdue right now
 * (MUST, fail, past the due date) are one small JSON object, so "has an overdue rule" is `?|`
 * (a binary search per failing key; an array overlap `&&` compares every pair, several times
 * slower over a fleet's rows). Only the rows of repositories with a waived failing rule (few) are unpacked, to leave
 * the waived rules out (each row's keys counted in one LATERAL aggregate, the waived pairs a hashed
 * `NOT IN`). Per-rule failing counts are the kept counts less the waived rows and the
 * deleted repositories' rows (both few).
 */
function summarySql(source: SummarySource): string {
  const from = SUMMARY_SOURCE[source];
  const rule = (k: string) => `split_part(${k}, '|', 4)`;
  return `WITH adopted AS (
      SELECT DISTINCT ON (repository_id) repository_id, version FROM adoptions
      WHERE guideline_id = $1 ORDER BY repository_id, adopted_at DESC, id DESC),
    waived_rows AS MATERIALIZED ${WAIVED_ROWS},
    waived AS (SELECT DISTINCT repository_id, rule_id FROM waived_rows WHERE failing),
    overdue_now AS (SELECT coalesce(array_agg(k), '{}') AS keys,
        coalesce(jsonb_object_agg(k, true), '{}') AS key_set
      FROM (SELECT concat_ws('|', 'MUST', 'fail', version, rule_id) AS k FROM rule_deadlines
        WHERE guideline_id = $1 AND ${pastDueSql('due_at')}) d),
    sm AS MATERIALIZED (SELECT s.*, a.version AS adopted,
        s.repository_id IN (SELECT repository_id FROM waived) AS touched
      FROM (${from.rows}) s
      JOIN repositories r ON r.id = s.repository_id AND r.deleted_at IS NULL
      LEFT JOIN adopted a ON a.repository_id = s.repository_id),
    per_repo AS (
      SELECT track, adopted, failing_count > 0 AS any_fail, must_failing > 0 AS must_fail,
        (SELECT key_set FROM overdue_now) ?| failing AS overdue
      FROM sm WHERE NOT touched
      UNION ALL
      SELECT sm.track, sm.adopted, d.n > 0, d.must > 0, d.overdue
      FROM sm CROSS JOIN LATERAL (SELECT count(*) AS n,
          count(*) FILTER (WHERE k.key LIKE 'MUST|%') AS must,
          coalesce(bool_or((SELECT key_set FROM overdue_now) ? k.key), false) AS overdue
        FROM unnest(sm.failing) k(key)
        WHERE (sm.repository_id, ${rule('k.key')}) NOT IN (SELECT repository_id, rule_id FROM waived)) d
      WHERE sm.touched),
    latest_keys AS (SELECT key, sum(n)::int AS n FROM (
        SELECT key, n FROM (${from.ruleCounts}) c
        UNION ALL SELECT key, -1 FROM waived_rows WHERE track = 'latest' AND failing
        UNION ALL SELECT k.key, -1 FROM (${from.rows}) g
          JOIN repositories r ON r.id = g.repository_id AND r.deleted_at IS NOT NULL
          CROSS JOIN LATERAL unnest(g.failing) k(key) WHERE g.track = 'latest') x
      GROUP BY key HAVING sum(n) > 0)
    SELECT
      (SELECT coalesce(json_agg(x), '[]') FROM (SELECT track, adopted, count(*)::int AS repos
        FROM sm GROUP BY track, adopted) x) AS scanned,
      (SELECT coalesce(json_agg(x), '[]') FROM (SELECT track, adopted,
          count(*) FILTER (WHERE any_fail)::int AS any_fail,
          count(*) FILTER (WHERE must_fail)::int AS must_fail,
          count(*) FILTER (WHERE overdue)::int AS overdue
        FROM per_repo GROUP BY track, adopted) x) AS failing,
      (SELECT coalesce(json_agg(x), '[]') FROM (SELECT ${rule('key')} AS rule_id,
          split_part(key, '|', 1) AS level, sum(n)::int AS failing,
          coalesce(sum(n) FILTER (WHERE key = ANY (o.keys)), 0)::int AS overdue
        FROM latest_keys, overdue_now o GROUP BY 1, 2) x) AS per_rule,
      (SELECT coalesce(json_agg(x), '[]') FROM (SELECT rule_id, count(*)::int AS exempt
        FROM waived_rows WHERE track = 'latest' GROUP BY rule_id) x) AS exempt,
      (SELECT count(*)::int FROM rules ru WHERE ru.guideline_id = $1 AND ru.version = $2
        AND EXISTS (SELECT 1 FROM rule_status s WHERE s.guideline_id = $1
          AND s.track = ANY ('{latest,adopted}') AND s.rule_id = ru.rule_id
          AND s.status IN ('pass', 'fail', 'error', 'not-applicable'))) AS checked`;
}

export const FLEET_SQL = {
  /** The guidelines asked for, with the fleet's size (active repositories). */
  guidelines: `SELECT g.id, g.title, g.latest_version, v.rule_count,
       (SELECT count(*)::int FROM repositories WHERE deleted_at IS NULL AND NOT archived) AS total
     FROM guidelines g
     JOIN guideline_versions v ON v.guideline_id = g.id AND v.version = g.latest_version
     WHERE $1::text IS NULL OR g.id = $1 ORDER BY g.id`,
  summary: summarySql('maintained'),
  computed: summarySql('computed'),
};

interface GuidelineRow {
  id: string;
  title: string;
  latest_version: string;
  rule_count: number;
  total: number;
}
type TrackRow = { track: string; adopted: string | null };
interface SummaryRow {
  scanned: (TrackRow & { repos: number })[];
  failing: (TrackRow & {
    any_fail: number;
    must_fail: number;
    overdue: number;
    overdue_n: number;
  })[];
  per_rule: { rule_id: string; level: string; failing: number; overdue: number }[];
  exempt: { rule_id: string; exempt: number }[];
  checked: number;
}

export async function fleetSummary(
  db: Db,
  options: { guideline?: string; top?: number; source?: SummarySource } = {},
): Promise<FleetSummary[]> {
  await ensureDeadlines(db);
  const gs = await db.query<GuidelineRow>(FLEET_SQL.guidelines, [options.guideline ?? null]);
  const sql = summarySql(options.source ?? 'maintained');
  return Promise.all(
    gs.rows.map(async (g) => {
      const row = (await db.query<SummaryRow>(sql, [g.id, g.latest_version])).rows[0]!;
      return assembleSummary(g, row, options.top ?? 10);
    }),
  );
}

const on = <T extends TrackRow>(rows: T[], track: string) => rows.filter((r) => r.track === track);
const sum = <T extends TrackRow>(rows: T[], k: keyof T) =>
  rows.reduce((n, r) => n + Number(r[k] ?? 0), 0);

/** Repositories and MUST-compliant ones per adopted version (null: not adopted). */
function versionsOf(row: SummaryRow): FleetSummary['versions'] {
  const versions = new Map<string | null, { repositories: number; compliantMust: number }>();
  for (const r of on(row.scanned, 'latest'))
    versions.set(r.adopted, { repositories: r.repos, compliantMust: 0 });
  const failingAdopted = on(row.failing, 'adopted');
  for (const r of on(row.scanned, 'adopted')) {
    const v = versions.get(r.adopted) ?? { repositories: 0, compliantMust: 0 };
    const failing = failingAdopted.find((f) => f.adopted === r.adopted);
    v.compliantMust = r.repos - (failing?.must_fail ?? 0);
    versions.set(r.adopted, v);
  }
  return [...versions.entries()]
    .map(([version, v]) => ({ version, ...v }))
    .sort((a, b) => (b.version ?? '').localeCompare(a.version ?? '', 'en', { numeric: true }));
}

function topFailingRules(row: SummaryRow, top: number): FleetSummary['topFailingRules'] {
  const exempt = new Map(row.exempt.map((r) => [r.rule_id, r.exempt]));
  return row.per_rule
    .sort(
      (a, b) =>
        b.failing - a.failing ||
        LEVEL_RANK[a.level]! - LEVEL_RANK[b.level]! ||
        a.rule_id.localeCompare(b.rule_id),
    )
    .slice(0, top)
    .map((r) => ({
      ruleId: r.rule_id,
      level: r.level,
      failing: r.failing,
      overdue: r.overdue,
      exempt: exempt.get(r.rule_id) ?? 0,
    }));
}

function assembleSummary(g: GuidelineRow, row: SummaryRow, top: number): FleetSummary {
  const failingLatest = on(row.failing, 'latest');
  const scanned = sum(on(row.scanned, 'latest'), 'repos');
  const compliantMust = scanned - sum(failingLatest, 'must_fail');
  const compliantAll = scanned - sum(failingLatest, 'any_fail');
  const overdueRepos = sum(failingLatest, 'overdue');
  const versions = versionsOf(row);
  const onLatest = versions.find((v) => v.version === g.latest_version)?.repositories ?? 0;
  const notAdopted = versions.find((v) => v.version === null)?.repositories ?? 0;
  return {
    guideline: g.id,
    title: g.title,
    latestVersion: g.latest_version,
    repositories: {
      total: g.total,
      scanned,
      compliantMust,
      compliantAll,
      shareCompliantMust: share(compliantMust, scanned),
      shareCompliantAll: share(compliantAll, scanned),
      overdue: overdueRepos,
    },
    versions,
    drift: { onLatest, behind: scanned - onLatest - notAdopted, notAdopted },
    topFailingRules: topFailingRules(row, top),
    coverage: {
      rules: g.rule_count,
      checked: row.checked,
      share: share(row.checked, g.rule_count),
    },
    overdue: {
      repositories: overdueRepos,
      findings: row.per_rule.reduce((n, r) => n + r.overdue, 0),
    },
  };
}
