/**
 * The repository list a platform engineer filters: by guideline, compliance status, one rule's
 * status, topic, adopted version and overdue, keyset-paginated by full name. Filters are
 * correlated EXISTS over the primary key of rule_status (about 50 rows a repository), so a page
 * costs the rows it returns, not the fleet; the waivers in force are read once per statement (a
 * materialized CTE), not once per row tested; the page's aggregates are read afterwards.
 */
import { SteeringError } from '../errors.js';
import type { Db } from '../store/index.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { ensureDeadlines } from './sync-deadlines.js';
import { pastDueSql } from './deadline.js';
import { FAILING, statusRows } from './status-sql.js';
import { LIVE_WAIVERS_CTE, waivedSql } from './waivers.js';

export const REPOSITORY_STATUSES = ['compliant', 'noncompliant', 'unscanned'] as const;
export const FINDING_STATUSES = [
  'pass',
  'fail',
  'not-applicable',
  'unchecked',
  'exempt',
  'error',
  'stale',
] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];
export type StatusCounts = Record<FindingStatus, number>;

export interface RepositoryFilter {
  guideline?: string;
  /** compliant | noncompliant | unscanned; with `rule`, that rule's status (pass, fail, …). */
  status?: string;
  rule?: string;
  topic?: string;
  /** A version, or `none` (never adopted). */
  adopted?: string;
  overdue?: boolean;
  limit: number;
  cursor?: string;
}

export interface RepositoryGuidelineRow {
  guideline: string;
  adopted: string | null;
  version: string | null;
  status: (typeof REPOSITORY_STATUSES)[number];
  counts: StatusCounts;
  overdue: number;
  nextDue: string | null;
  updatedAt: string | null;
}

export interface RepositoryRow {
  id: number;
  repository: string;
  topics: string[];
  archived: boolean;
  guidelines: RepositoryGuidelineRow[];
}

export const emptyCounts = (): StatusCounts =>
  Object.fromEntries(FINDING_STATUSES.map((s) => [s, 0])) as StatusCounts;

const EFF = `(CASE WHEN ${waivedSql()} THEN 'exempt' ELSE rs.status::text END)`;

/**
 * For the filters that read compliance_summary: per guideline, the failing keys
 * (`MUST|fail|version|rule`) overdue right now; and the waivers in force resolved to the rule ids
 * some summary row lists as failing (compliance_rule_failing), as `r|repository id|rule`,
 * `t|topic|rule` and `f|rule`. Both are JSON objects, so `?` and `?|` look a key up by binary
 * search rather than testing each waiver's pattern per row.
 */
const SUMMARY_CTES = `${LIVE_WAIVERS_CTE},
  overdue_keys AS MATERIALIZED (SELECT guideline_id,
      jsonb_object_agg(concat_ws('|', 'MUST', 'fail', version, rule_id), true) AS key_set
    FROM rule_deadlines WHERE ${pastDueSql('due_at')} GROUP BY guideline_id),
  waived_keys AS MATERIALIZED (SELECT coalesce(jsonb_object_agg(k, true), '{}') AS key_set
    FROM (SELECT DISTINCT CASE w.scope WHEN 'repository' THEN concat_ws('|', 'r', w.repository_id, f.rule_id)
        WHEN 'topic' THEN concat_ws('|', 't', w.topic, f.rule_id) ELSE concat_ws('|', 'f', f.rule_id) END AS k
      FROM live_waivers w JOIN (SELECT DISTINCT split_part(key, '|', 4) AS rule_id
        FROM compliance_rule_failing WHERE repositories <> 0) f ON f.rule_id LIKE w.rule_like) x)`;

/** SQL true when a waiver in force covers rule id `rule` of repository `r` (needs SUMMARY_CTES). */
const waivedKeySql = (rule: string, r = 'r') =>
  `(SELECT key_set FROM waived_keys) ?| (ARRAY[concat_ws('|', 'r', ${r}.id, ${rule}), concat_ws('|', 'f', ${rule})]
    || ARRAY(SELECT concat_ws('|', 't', t, ${rule}) FROM unnest(${r}.topics) t))`;

function validateFilter(f: RepositoryFilter): void {
  if (f.status && !f.rule && !(REPOSITORY_STATUSES as readonly string[]).includes(f.status))
    throw new SteeringError(
      'INVALID_INPUT',
      `status: "${f.status}" is not one of ${REPOSITORY_STATUSES.join(', ')} (a finding status such as fail needs rule=<rule id>)`,
      { details: { parameter: 'status' } },
    );
  if (f.status && f.rule && !(FINDING_STATUSES as readonly string[]).includes(f.status))
    throw new SteeringError(
      'INVALID_INPUT',
      `status: with rule=, give a finding status: ${FINDING_STATUSES.join(', ')}`,
      { details: { parameter: 'status' } },
    );
}

/** The waivers in force that cover rule `rule` (a parameter), in one row (needs live_waivers). */
const ruleWaiversCte = (rule: string) => `rule_waivers AS MATERIALIZED (SELECT
    coalesce(bool_or(scope = 'fleet'), false) AS fleet,
    coalesce(array_agg(repository_id) FILTER (WHERE scope = 'repository' AND repository_id IS NOT NULL), '{}') AS repos,
    coalesce(array_agg(topic) FILTER (WHERE scope = 'topic' AND topic IS NOT NULL), '{}') AS topics
  FROM live_waivers WHERE ${rule}::text LIKE rule_like)`;

/**
 * The page's repositories (limit + 1, for the next cursor). The status and overdue filters read
 * compliance_summary (`maintained`: one row per repository with its failing keys, so a
 * repository costs one small row and the page can stop after limit + 1 matches); `computed` tests
 * the rule_status rows themselves, what the maintained form must always equal (tests compare both
 * over many filters).
 */
export function repositoryListSql(
  f: RepositoryFilter,
  source: 'maintained' | 'computed' = 'maintained',
): { sql: string; params: unknown[] } {
  validateFilter(f);
  const after = f.cursor ? decodeCursor(f.cursor, 2) : null;
  const params: unknown[] = [];
  const p = (v: unknown) => `$${params.push(v)}`;
  // Bound only when a filter uses it (PostgreSQL rejects a parameter it never sees).
  let bound: string | null = null;
  const g = () => (f.guideline ? (bound ??= `${p(f.guideline)}::text`) : null);
  /** Status rows of repository `r` on the latest track (of the guideline, when given). */
  const latestRows = (extra: string) => `SELECT 1 FROM rule_status rs
    WHERE rs.repository_id = r.id AND rs.track = 'latest'
      ${g() ? `AND rs.guideline_id = ${g()}` : ''} AND ${extra}`;
  const where = ['r.deleted_at IS NULL'];
  if (f.topic) where.push(`r.topics @> ARRAY[${p(f.topic)}::text]`);
  if (after)
    where.push(
      `(r.full_name, r.id) > (${p(String(after[0]))}::text, ${p(Number(after[1]))}::bigint)`,
    );
  if (f.adopted) {
    const adoptedSql = `(SELECT a.version FROM adoptions a WHERE a.repository_id = r.id
      ${g() ? `AND a.guideline_id = ${g()}` : ''} ORDER BY a.adopted_at DESC, a.id DESC LIMIT 1)`;
    where.push(
      f.adopted === 'none' ? `${adoptedSql} IS NULL` : `${adoptedSql} = ${p(f.adopted)}::text`,
    );
  }
  let summary = false;
  const onSummary = () =>
    `cs.repository_id = r.id AND cs.track = 'latest' ${g() ? `AND cs.guideline_id = ${g()}` : ''}`;
  /** A failing key of r's summary rows (latest track) meets `cond` and no waiver covers its rule. */
  const failingKey = (cs: string, cond: string) => {
    summary = true;
    return `EXISTS (SELECT 1 FROM compliance_summary cs
      CROSS JOIN LATERAL unnest(cs.failing) k(key)
      WHERE ${onSummary()} AND ${cs} AND ${cond}
        AND NOT ${waivedKeySql(`split_part(k.key, '|', 4)`)} OFFSET 0)`;
  };
  const summaryFilter = (filter: 'noncompliant' | 'overdue') => {
    if (source === 'computed')
      return filter === 'noncompliant'
        ? `EXISTS (${latestRows(`rs.level = 'MUST' AND rs.status IN ${FAILING} AND NOT ${waivedSql()}`)})`
        : `EXISTS (${latestRows(`rs.level = 'MUST' AND rs.status = 'fail'
      AND EXISTS (SELECT 1 FROM rule_deadlines d WHERE d.guideline_id = rs.guideline_id
        AND d.version = rs.version AND d.rule_id = rs.rule_id AND ${pastDueSql('d.due_at')})
      AND NOT ${waivedSql()}`)})`;
    if (filter === 'noncompliant') return failingKey('cs.must_failing > 0', `k.key LIKE 'MUST|%'`);
    const keySet = `(SELECT o.key_set FROM overdue_keys o WHERE o.guideline_id = cs.guideline_id)`;
    return failingKey(`${keySet} ?| cs.failing`, `${keySet} ? k.key`);
  };
  const scanned = () =>
    source === 'computed'
      ? `EXISTS (${latestRows('true')})`
      : `EXISTS (SELECT 1 FROM compliance_summary cs WHERE ${onSummary()})`;
  let ruleWaivers = '';
  if (f.rule && source === 'computed') {
    where.push(
      `EXISTS (${latestRows(`rs.rule_id = ${p(f.rule)}::text AND ${EFF} = ${p(f.status ?? 'fail')}::text`)})`,
    );
  } else if (f.rule) {
    // The waivers in force that cover this rule, resolved once: the rule's row of each repository
    // is then probed by primary key in name order (the page stops after limit + 1 matches).
    const rule = p(f.rule);
    ruleWaivers = `, ${ruleWaiversCte(rule)}`;
    const waived = `(SELECT w.fleet OR r.id = ANY (w.repos) OR r.topics && w.topics FROM rule_waivers w)`;
    where.push(
      `EXISTS (${latestRows(`rs.rule_id = ${rule}::text
      AND (CASE WHEN ${waived} THEN 'exempt' ELSE rs.status::text END) = ${p(f.status ?? 'fail')}::text`)} OFFSET 0)`,
    );
  } else if (f.status === 'unscanned') where.push(`NOT ${scanned()}`);
  else if (f.status === 'compliant')
    where.push(`${scanned()} AND NOT ${summaryFilter('noncompliant')}`);
  else if (f.status === 'noncompliant') where.push(summaryFilter('noncompliant'));
  if (f.overdue !== undefined) where.push(`${f.overdue ? '' : 'NOT '}${summaryFilter('overdue')}`);
  const sql = `WITH ${summary ? SUMMARY_CTES : LIVE_WAIVERS_CTE}${ruleWaivers}
    SELECT r.id, r.full_name, r.topics, r.archived FROM repositories r
    WHERE ${where.join(' AND ')} ORDER BY r.full_name, r.id LIMIT ${p(f.limit + 1)}`;
  return { sql, params };
}

/** Per repository and guideline: counts by effective status (latest track), overdue, adopted. */
export const PAGE_AGGREGATES_SQL = `SELECT x.repository_id, x.guideline_id, max(x.version) AS version,
    x.status, count(*)::int AS n, count(*) FILTER (WHERE x.overdue)::int AS overdue,
    count(*) FILTER (WHERE x.level = 'MUST' AND x.status IN ${FAILING})::int AS must_failing,
    min(x.due_at) FILTER (WHERE x.status = 'fail' AND x.level = 'MUST' AND NOT ${pastDueSql('x.due_at')}) AS next_due,
    max(x.updated_at) AS updated_at,
    (SELECT a.version FROM adoptions a WHERE a.repository_id = x.repository_id
       AND a.guideline_id = x.guideline_id ORDER BY a.adopted_at DESC, a.id DESC LIMIT 1) AS adopted
  FROM ${statusRows((rs) => `${rs}.repository_id = ANY ($1::bigint[]) AND ${rs}.track = 'latest' AND ($2::text IS NULL OR ${rs}.guideline_id = $2)`)} x
  GROUP BY x.repository_id, x.guideline_id, x.status`;

export async function listRepositoryCompliance(
  db: Db,
  f: RepositoryFilter,
): Promise<{ repositories: RepositoryRow[]; nextCursor: string | null }> {
  await ensureDeadlines(db);
  const { sql, params } = repositoryListSql(f);
  const page = await db.query<{
    id: string;
    full_name: string;
    topics: string[];
    archived: boolean;
  }>(sql, params);
  const rows = page.rows.slice(0, f.limit);
  const ids = rows.map((r) => Number(r.id));
  const agg = ids.length
    ? await db.query<{
        repository_id: string;
        guideline_id: string;
        version: string;
        status: FindingStatus;
        n: number;
        overdue: number;
        must_failing: number;
        next_due: Date | null;
        updated_at: Date;
        adopted: string | null;
      }>(PAGE_AGGREGATES_SQL, [ids, f.guideline ?? null])
    : { rows: [] };
  const byRepo = new Map<number, Map<string, RepositoryGuidelineRow>>();
  for (const a of agg.rows) {
    const repoId = Number(a.repository_id);
    const gs = byRepo.get(repoId) ?? new Map<string, RepositoryGuidelineRow>();
    byRepo.set(repoId, gs);
    const g = gs.get(a.guideline_id) ?? {
      guideline: a.guideline_id,
      adopted: a.adopted,
      version: a.version,
      status: 'compliant' as const,
      counts: emptyCounts(),
      overdue: 0,
      nextDue: null,
      updatedAt: null,
    };
    gs.set(a.guideline_id, g);
    g.counts[a.status] += a.n;
    g.overdue += a.overdue;
    if (a.must_failing > 0) g.status = 'noncompliant';
    const due = a.next_due?.toISOString() ?? null;
    if (due && (!g.nextDue || due < g.nextDue)) g.nextDue = due;
    const upd = a.updated_at.toISOString();
    if (!g.updatedAt || upd > g.updatedAt) g.updatedAt = upd;
  }
  const repositories = rows.map((r) => ({
    id: Number(r.id),
    repository: r.full_name,
    topics: r.topics,
    archived: r.archived,
    guidelines: [...(byRepo.get(Number(r.id))?.values() ?? [])].sort((a, b) =>
      a.guideline.localeCompare(b.guideline),
    ),
  }));
  const last = rows[rows.length - 1];
  return {
    repositories,
    nextCursor:
      page.rows.length > f.limit && last ? encodeCursor([last.full_name, Number(last.id)]) : null,
  };
}
