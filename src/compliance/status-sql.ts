/**
 * The effective status of a rule_status row, in SQL, shared by every fleet query: a waiver in
 * force makes it `exempt` (read time, so grants and expiries need no rescan), and a failing MUST
 * rule is `overdue` once its due date (rule_deadlines) has passed.
 *
 * `statusRows(where)` is a FROM-clause subquery (`where` gets the alias of rule_status) with columns repository_id, guideline_id,
 * rule_id, level, track, version, raw_status, status (effective), due_at, overdue, scan_id, sha,
 * updated_at. Waivers are few, so the waived (repository, rule) pairs are found first and joined by
 * hash, instead of testing every row against every waiver.
 */
import { pastDueSql } from './deadline.js';

const LIVE = `w.revoked_at IS NULL AND (w.expires_at IS NULL OR w.expires_at > now())`;

/**
 * The rule_status rows (columns `cols` of alias rs2) a waiver in force covers, among those `where`
 * selects, each once. One join per scope (an OR across scopes would pair every waiver with every
 * repository).
 */
export function waivedRows(
  where: (rs: string) => string,
  cols = 'rs2.repository_id, rs2.rule_id',
): string {
  return `(SELECT ${cols} FROM waivers w
      JOIN rule_status rs2 ON rs2.repository_id = w.repository_id AND rs2.rule_id LIKE w.rule_like
      WHERE w.scope = 'repository' AND ${LIVE} AND ${where('rs2')}
    UNION
    SELECT ${cols} FROM waivers w
      JOIN repositories r2 ON r2.topics @> ARRAY[w.topic] AND r2.deleted_at IS NULL
      JOIN rule_status rs2 ON rs2.repository_id = r2.id AND rs2.rule_id LIKE w.rule_like
      WHERE w.scope = 'topic' AND ${LIVE} AND ${where('rs2')}
    UNION
    SELECT ${cols} FROM waivers w
      JOIN rule_status rs2 ON rs2.rule_id LIKE w.rule_like
      WHERE w.scope = 'fleet' AND ${LIVE} AND ${where('rs2')})`;
}

/** The (repository, rule) pairs a waiver in force covers, among rule_status rows `where` selects. */
export function waivedPairs(where: (rs: string) => string): string {
  return waivedRows(where);
}

export function statusRows(where: (rs: string) => string): string {
  return `(SELECT rs.repository_id, rs.guideline_id, rs.rule_id, rs.level, rs.track, rs.version,
      rs.status::text AS raw_status,
      CASE WHEN wv.rule_id IS NOT NULL THEN 'exempt' ELSE rs.status::text END AS status,
      d.due_at,
      (wv.rule_id IS NULL AND rs.status = 'fail' AND rs.level = 'MUST' AND ${pastDueSql('d.due_at')}) AS overdue,
      rs.scan_id, rs.sha, rs.updated_at, rs.message, rs.evidence
    FROM rule_status rs
    JOIN repositories r ON r.id = rs.repository_id AND r.deleted_at IS NULL
    LEFT JOIN ${waivedPairs(where)} wv ON wv.repository_id = rs.repository_id AND wv.rule_id = rs.rule_id
    LEFT JOIN rule_deadlines d ON d.guideline_id = rs.guideline_id AND d.version = rs.version
      AND d.rule_id = rs.rule_id
    WHERE ${where('rs')})`;
}

export const FAILING = `('fail', 'error')`;
