/** Reading findings and the latest status per repository and rule (the compliance API's source). */
import type { Queryable } from './db.js';
import { queryOne } from './query-one.js';
import { iso } from './to-iso.js';
import type { ScanTrack, StoredEvidence } from './scans.js';

export interface RuleStatusRecord {
  guideline: string;
  ruleId: string;
  version: string;
  track: ScanTrack;
  status: string;
  level: string;
  message: string | null;
  sha: string;
  scanId: number;
  evidence: StoredEvidence[];
  updatedAt: string;
}

/** A rule_status row's rule (guideline, version, track, id) and status, as every reader names them. */
export function ruleStatusKey(row: Record<string, unknown>) {
  return {
    guideline: row.guideline_id as string,
    ruleId: row.rule_id as string,
    version: row.version as string,
    track: row.track as ScanTrack,
    status: row.status as string,
  };
}

export async function listRuleStatus(
  q: Queryable,
  repositoryId: number,
): Promise<RuleStatusRecord[]> {
  const r = await q.query(
    `SELECT guideline_id, rule_id, version, track, status, level, message, sha, scan_id, evidence,
            updated_at
     FROM rule_status WHERE repository_id = $1 ORDER BY guideline_id, track, rule_id`,
    [repositoryId],
  );
  return r.rows.map((row) => ({
    ...ruleStatusKey(row),
    level: row.level as string,
    message: (row.message as string | null) ?? null,
    sha: row.sha as string,
    scanId: Number(row.scan_id),
    evidence: row.evidence as StoredEvidence[],
    updatedAt: iso(row.updated_at),
  }));
}

export interface FindingRecord {
  ruleId: string;
  status: string;
  level: string;
  message: string | null;
  evidence: StoredEvidence[];
}

export async function listFindings(q: Queryable, scanId: number): Promise<FindingRecord[]> {
  const r = await q.query(
    `SELECT rule_id, status, level, message, evidence FROM findings WHERE scan_id = $1 ORDER BY rule_id`,
    [scanId],
  );
  return r.rows.map((row) => ({
    ruleId: row.rule_id as string,
    status: row.status as string,
    level: row.level as string,
    message: (row.message as string | null) ?? null,
    evidence: row.evidence as StoredEvidence[],
  }));
}

/** A live repository by `owner/name` (case-insensitive), or null. */
export async function findRepositoryByName(
  q: Queryable,
  owner: string,
  name: string,
): Promise<{ id: number; owner: string; name: string; headSha: string | null } | null> {
  return queryOne(
    q,
    `SELECT id, owner, name, head_sha FROM repositories
     WHERE lower(owner) = lower($1) AND lower(name) = lower($2) AND deleted_at IS NULL`,
    [owner, name],
    (row) => ({
      id: Number(row.id),
      owner: row.owner as string,
      name: row.name as string,
      headSha: (row.head_sha as string | null) ?? null,
    }),
  );
}
