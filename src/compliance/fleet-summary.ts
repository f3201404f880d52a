/**
 * The fleet at a glance, per guideline: repositories, the share compliant on MUST rules and on all
 * rules (latest version), per adopted version (drift), the top failing rules, coverage (rules some
 * check or measurement decides, over all rules of the latest version) and what is overdue.
 */
import type { Db } from '../store/index.js';
import { ensureDeadlines } from './sync-deadlines.js';
import { FAILING, statusRows, waivedPairs } from './status-sql.js';

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
 * The SQL of one guideline's summary. Only failing rows are aggregated (a small share of the
 * fleet's rows); compliant counts are the scanned repositories minus those with a failing row, and
 * "scanned" is one primary-key probe per repository.
 */
const LATEST_ADOPTION = `LEFT JOIN LATERAL (SELECT a.version FROM adoptions a WHERE a.repository_id = r.id
    AND a.guideline_id = $1 ORDER BY a.adopted_at DESC, a.id DESC LIMIT 1) a ON true`;
export const FLEET_SQL = {
  repos: `SELECT count(*)::int AS total FROM repositories WHERE deleted_at IS NULL AND NOT archived`,
  /** Repositories with a status on each track, by adopted version. */
  scanned: `SELECT t.track, a.version AS adopted, count(*)::int AS repos
     FROM repositories r CROSS JOIN (VALUES ('latest'), ('adopted')) t(track) ${LATEST_ADOPTION}
     WHERE r.deleted_at IS NULL AND EXISTS (SELECT 1 FROM rule_status rs WHERE rs.repository_id = r.id
       AND rs.track = t.track AND rs.guideline_id = $1)
     GROUP BY t.track, a.version`,
  /** Repositories with a failing (effective) row, per track and adopted version. */
  failing: `SELECT f.track, a.version AS adopted, count(*)::int AS any_fail,
       count(*) FILTER (WHERE f.must_fail)::int AS must_fail,
       count(*) FILTER (WHERE f.overdue_n > 0)::int AS overdue, sum(f.overdue_n)::int AS overdue_n
     FROM (SELECT repository_id, track, bool_or(level = 'MUST') AS must_fail,
             count(*) FILTER (WHERE overdue) AS overdue_n
           FROM ${statusRows((rs) => `${rs}.guideline_id = $1 AND ${rs}.status IN ${FAILING}`)} x
           WHERE status IN ${FAILING} GROUP BY repository_id, track) f
     JOIN repositories r ON r.id = f.repository_id ${LATEST_ADOPTION}
     GROUP BY f.track, a.version`,
  perRule: `SELECT rule_id, level, count(*)::int AS failing,
       count(*) FILTER (WHERE overdue)::int AS overdue
     FROM ${statusRows((rs) => `${rs}.guideline_id = $1 AND ${rs}.track = 'latest' AND ${rs}.status IN ${FAILING}`)} x
     WHERE status IN ${FAILING} GROUP BY rule_id, level`,
  exemptPerRule: `SELECT w.rule_id, count(*)::int AS exempt
     FROM ${waivedPairs((rs) => `${rs}.guideline_id = $1 AND ${rs}.track = 'latest'`)} w GROUP BY w.rule_id`,
  /** Rules of the latest version some check or measurement decided somewhere (index probes). */
  checked: `SELECT count(*)::int AS checked FROM rules ru
     WHERE ru.guideline_id = $1 AND ru.version = $2 AND EXISTS (SELECT 1 FROM rule_status s
       WHERE s.rule_id = ru.rule_id AND s.status IN ('pass', 'fail', 'error', 'not-applicable'))`,
};

export async function fleetSummary(
  db: Db,
  options: { guideline?: string; top?: number } = {},
): Promise<FleetSummary[]> {
  await ensureDeadlines(db);
  const gs = await db.query<{
    id: string;
    title: string;
    latest_version: string;
    rule_count: number;
  }>(
    `SELECT g.id, g.title, g.latest_version, v.rule_count FROM guidelines g
     JOIN guideline_versions v ON v.guideline_id = g.id AND v.version = g.latest_version
     WHERE $1::text IS NULL OR g.id = $1 ORDER BY g.id`,
    [options.guideline ?? null],
  );
  const totalRepos = (await db.query<{ total: number }>(FLEET_SQL.repos)).rows[0]!.total;
  return Promise.all(
    gs.rows.map(async (g) => {
      type Row = { track: string; adopted: string | null };
      const [scannedQ, failingQ, perRuleQ, exemptQ, checkedQ] = await Promise.all([
        db.query<Row & { repos: number }>(FLEET_SQL.scanned, [g.id]),
        db.query<Row & { any_fail: number; must_fail: number; overdue: number; overdue_n: number }>(
          FLEET_SQL.failing,
          [g.id],
        ),
        db.query<{ rule_id: string; level: string; failing: number; overdue: number }>(
          FLEET_SQL.perRule,
          [g.id],
        ),
        db.query<{ rule_id: string; exempt: number }>(FLEET_SQL.exemptPerRule, [g.id]),
        db.query<{ checked: number }>(FLEET_SQL.checked, [g.id, g.latest_version]),
      ]);
      const on = <T extends Row>(rows: T[], track: string) => rows.filter((r) => r.track === track);
      const total = <T extends Row>(rows: T[], k: keyof T) =>
        rows.reduce((n, r) => n + Number(r[k] ?? 0), 0);
      const scannedLatest = on(scannedQ.rows, 'latest');
      const failingLatest = on(failingQ.rows, 'latest');
      const scanned = total(scannedLatest, 'repos');
      const compliantMust = scanned - total(failingLatest, 'must_fail');
      const compliantAll = scanned - total(failingLatest, 'any_fail');
      const overdueRepos = total(failingLatest, 'overdue');
      const versions = new Map<string | null, { repositories: number; compliantMust: number }>();
      for (const r of scannedLatest)
        versions.set(r.adopted, { repositories: r.repos, compliantMust: 0 });
      for (const r of on(scannedQ.rows, 'adopted')) {
        const v = versions.get(r.adopted) ?? { repositories: 0, compliantMust: 0 };
        const failing = on(failingQ.rows, 'adopted').find((f) => f.adopted === r.adopted);
        v.compliantMust = r.repos - (failing?.must_fail ?? 0);
        versions.set(r.adopted, v);
      }
      const onLatest = versions.get(g.latest_version)?.repositories ?? 0;
      const notAdopted = versions.get(null)?.repositories ?? 0;
      const exempt = new Map(exemptQ.rows.map((r) => [r.rule_id, r.exempt]));
      const checked = checkedQ.rows[0]?.checked ?? 0;
      return {
        guideline: g.id,
        title: g.title,
        latestVersion: g.latest_version,
        repositories: {
          total: totalRepos,
          scanned,
          compliantMust,
          compliantAll,
          shareCompliantMust: share(compliantMust, scanned),
          shareCompliantAll: share(compliantAll, scanned),
          overdue: overdueRepos,
        },
        versions: [...versions.entries()]
          .map(([version, v]) => ({ version, ...v }))
          .sort((a, b) =>
            (b.version ?? '').localeCompare(a.version ?? '', 'en', { numeric: true }),
          ),
        drift: { onLatest, behind: scanned - onLatest - notAdopted, notAdopted },
        topFailingRules: perRuleQ.rows
          .sort(
            (a, b) =>
              b.failing - a.failing ||
              LEVEL_RANK[a.level]! - LEVEL_RANK[b.level]! ||
              a.rule_id.localeCompare(b.rule_id),
          )
          .slice(0, options.top ?? 10)
          .map((r) => ({
            ruleId: r.rule_id,
            level: r.level,
            failing: r.failing,
            overdue: r.overdue,
            exempt: exempt.get(r.rule_id) ?? 0,
          })),
        coverage: { rules: g.rule_count, checked, share: share(checked, g.rule_count) },
        overdue: { repositories: overdueRepos, findings: total(failingLatest, 'overdue_n') },
      };
    }),
  );
}
