/**
 * The fleet at a glance, per guideline: repositories, the share compliant on MUST rules and on all
 * rules (latest version), per adopted version (drift), the top failing rules, coverage (rules some
 * check or measurement decides, over all rules of the latest version) and what is overdue.
 */
import type { Db } from '../store/index.js';
import { ensureDeadlines } from './sync-deadlines.js';
import { FAILING, statusRows } from './status-sql.js';

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

/** The SQL of one guideline's summary: [repositories/adoption, per repository, per rule]. */
export const FLEET_SQL = {
  repos: `SELECT count(*)::int AS total FROM repositories WHERE deleted_at IS NULL AND NOT archived`,
  perRepo: `SELECT s.track, count(*)::int AS repos,
       count(*) FILTER (WHERE must_ok)::int AS must_ok, count(*) FILTER (WHERE all_ok)::int AS all_ok,
       count(*) FILTER (WHERE overdue)::int AS overdue, sum(overdue_n)::int AS overdue_n,
       a.version AS adopted
     FROM (SELECT repository_id, track,
             bool_and(NOT (level = 'MUST' AND status IN ${FAILING})) AS must_ok,
             bool_and(status NOT IN ${FAILING}) AS all_ok,
             bool_or(overdue) AS overdue, count(*) FILTER (WHERE overdue) AS overdue_n
           FROM ${statusRows((rs) => `${rs}.guideline_id = $1`)} x GROUP BY repository_id, track) s
     LEFT JOIN (SELECT DISTINCT ON (repository_id) repository_id, version FROM adoptions
                WHERE guideline_id = $1 ORDER BY repository_id, adopted_at DESC, id DESC) a
       ON a.repository_id = s.repository_id
     GROUP BY s.track, a.version`,
  perRule: `SELECT rule_id, level, count(*) FILTER (WHERE status IN ${FAILING})::int AS failing,
       count(*) FILTER (WHERE overdue)::int AS overdue,
       count(*) FILTER (WHERE status = 'exempt')::int AS exempt,
       bool_or(raw_status NOT IN ('unchecked'))::boolean AS checked
     FROM ${statusRows((rs) => `${rs}.guideline_id = $1 AND ${rs}.track = 'latest'`)} x
     GROUP BY rule_id, level`,
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
  const total = (await db.query<{ total: number }>(FLEET_SQL.repos)).rows[0]!.total;
  return Promise.all(
    gs.rows.map(async (g) => {
      const [perRepo, perRule] = await Promise.all([
        db.query<{
          track: string;
          repos: number;
          must_ok: number;
          all_ok: number;
          overdue: number;
          overdue_n: number;
          adopted: string | null;
        }>(FLEET_SQL.perRepo, [g.id]),
        db.query<{
          rule_id: string;
          level: string;
          failing: number;
          overdue: number;
          exempt: number;
          checked: boolean;
        }>(FLEET_SQL.perRule, [g.id]),
      ]);
      const latest = perRepo.rows.filter((r) => r.track === 'latest');
      const sum = (
        rows: typeof latest,
        k: 'repos' | 'must_ok' | 'all_ok' | 'overdue' | 'overdue_n',
      ) => rows.reduce((n, r) => n + (r[k] ?? 0), 0);
      const scanned = sum(latest, 'repos');
      const versions = new Map<string | null, { repositories: number; compliantMust: number }>();
      for (const r of perRepo.rows.filter((x) => x.track === 'latest')) {
        const v = versions.get(r.adopted) ?? { repositories: 0, compliantMust: 0 };
        v.repositories += r.repos;
        versions.set(r.adopted, v);
      }
      for (const r of perRepo.rows.filter((x) => x.track === 'adopted')) {
        const v = versions.get(r.adopted) ?? { repositories: 0, compliantMust: 0 };
        v.compliantMust += r.must_ok;
        versions.set(r.adopted, v);
      }
      const onLatest = versions.get(g.latest_version)?.repositories ?? 0;
      const notAdopted = versions.get(null)?.repositories ?? 0;
      const rules = perRule.rows;
      return {
        guideline: g.id,
        title: g.title,
        latestVersion: g.latest_version,
        repositories: {
          total,
          scanned,
          compliantMust: sum(latest, 'must_ok'),
          compliantAll: sum(latest, 'all_ok'),
          shareCompliantMust: share(sum(latest, 'must_ok'), scanned),
          shareCompliantAll: share(sum(latest, 'all_ok'), scanned),
          overdue: sum(latest, 'overdue'),
        },
        versions: [...versions.entries()]
          .map(([version, v]) => ({ version, ...v }))
          .sort((a, b) =>
            (b.version ?? '').localeCompare(a.version ?? '', 'en', { numeric: true }),
          ),
        drift: { onLatest, behind: scanned - onLatest - notAdopted, notAdopted },
        topFailingRules: rules
          .filter((r) => r.failing > 0)
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
            exempt: r.exempt,
          })),
        coverage: {
          rules: g.rule_count,
          checked: rules.filter((r) => r.checked).length,
          share: share(rules.filter((r) => r.checked).length, g.rule_count),
        },
        overdue: { repositories: sum(latest, 'overdue'), findings: sum(latest, 'overdue_n') },
      };
    }),
  );
}
