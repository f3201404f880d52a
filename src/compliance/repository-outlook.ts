/**
 * What a version means for one repository, for the rollout pull request: its due date (the
 * earliest due date of the MUST rules the version adds or tightens), and — from the scan of the
 * repository's head against that version (the `latest` track) — the rules it would fail, with the
 * measured figure when the finding has one, and those already overdue.
 */
import type { Db } from '../store/index.js';
import { latestRules, measuredOf, ruleLabel } from './repository-compliance.js';
import { deadlineOf } from './deadline.js';
import { ensureDeadlines } from './sync-deadlines.js';

export interface OutlookRule {
  ruleId: string;
  label: string;
  level: string;
  measured: string | null;
  dueAt: string | null;
  overdue: boolean;
}

export interface RepositoryOutlook {
  version: string;
  /** When the MUST rules this version adds or tightens count as overdue; null: none. */
  dueAt: string | null;
  /** False until the repository's head was scanned against this version. */
  scanned: boolean;
  wouldFail: OutlookRule[];
  waived: number;
}

export async function repositoryOutlook(
  db: Db,
  repositoryId: number,
  guideline: string,
  version: string,
  now = new Date(),
): Promise<RepositoryOutlook> {
  await ensureDeadlines(db);
  const due = await db.query<{ due: Date | null }>(
    `SELECT min(d.due_at) AS due FROM rule_deadlines d
     JOIN rules r ON r.guideline_id = d.guideline_id AND r.version = d.version AND r.rule_id = d.rule_id
     WHERE d.guideline_id = $1 AND d.version = $2 AND d.introduced = $2 AND r.level = 'MUST'`,
    [guideline, version],
  );
  const rows = await db.query<{
    rule_id: string;
    level: string;
    status: string;
    message: string | null;
    due_at: Date | null;
    waived: boolean;
  }>(
    `SELECT rs.rule_id, rs.level, rs.status::text AS status, rs.message, d.due_at,
       EXISTS (SELECT 1 FROM waivers w, repositories r WHERE r.id = rs.repository_id
         AND w.revoked_at IS NULL AND (w.expires_at IS NULL OR w.expires_at > now())
         AND rs.rule_id LIKE w.rule_like AND (w.scope = 'fleet' OR w.repository_id = r.id
           OR (w.scope = 'topic' AND w.topic = ANY (r.topics)))) AS waived
     FROM rule_status rs LEFT JOIN rule_deadlines d ON d.guideline_id = rs.guideline_id
       AND d.version = rs.version AND d.rule_id = rs.rule_id
     WHERE rs.repository_id = $1 AND rs.guideline_id = $2 AND rs.track = 'latest'
       AND rs.version = $3
     ORDER BY rs.level, rs.rule_id`,
    [repositoryId, guideline, version],
  );
  const rules = await latestRules(db, guideline, version);
  const failing = rows.rows.filter((r) => r.status === 'fail' || r.status === 'error');
  return {
    version,
    dueAt: due.rows[0]?.due?.toISOString() ?? null,
    scanned: rows.rows.length > 0,
    waived: failing.filter((r) => r.waived).length,
    wouldFail: failing
      .filter((r) => !r.waived)
      .map((r) => ({
        ruleId: r.rule_id,
        label: ruleLabel(rules.get(r.rule_id), r.rule_id),
        level: r.level,
        measured: measuredOf(r.message),
        dueAt: r.due_at?.toISOString() ?? null,
        overdue:
          deadlineOf(
            { status: r.status, level: r.level, dueAt: r.due_at?.toISOString() ?? null },
            now.getTime(),
          ) === 'overdue',
      })),
  };
}
