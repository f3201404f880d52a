/**
 * Scans: one row per repository, commit and guideline version evaluated, with its findings, and
 * the latest status per repository, rule and track (`adopted` / `latest`). `saveScanResults`
 * writes all of it in the caller's transaction, so readers never see a scan without its findings
 * or a status pointing at a half-written scan.
 */
import type { Queryable } from './db.js';
import { iso } from './to-iso.js';

export type ScanTrack = 'adopted' | 'latest';

export interface StoredEvidence {
  path: string;
  line: number;
  column?: number;
  snippet?: string;
  note?: string;
}

export interface FindingInput {
  ruleId: string;
  status: string;
  level: string;
  message: string;
  evidence: StoredEvidence[];
}

export interface ScanResultInput {
  guideline: string;
  version: string;
  tracks: ScanTrack[];
  findings: FindingInput[];
  summary: Record<string, number>;
}

export interface SaveScanInput {
  repositoryId: number;
  sha: string;
  trigger: string;
  deliveryId: string | null;
  startedAt: Date;
  results: ScanResultInput[];
}

export interface ScanRecord {
  id: number;
  repositoryId: number;
  sha: string;
  guideline: string;
  version: string;
  state: string;
  trigger: string | null;
  tracks: ScanTrack[];
  checkRunId: number | null;
  summary: Record<string, number> | null;
  createdAt: string;
  finishedAt: string | null;
}

/** Evidence kept per finding (the check run and the API show the first ones). */
export const MAX_EVIDENCE = 20;

/** The columns scanFromRow reads (named, not `*`: our own guideline asks services not to select all). */
const SCAN_COLUMNS =
  'id, repository_id, sha, guideline_id, version, state, trigger, tracks, check_run_id, summary, created_at, finished_at';

/** A scans row (the columns SCAN_COLUMNS names) as a record. */
export function scanFromRow(row: Record<string, unknown>): ScanRecord {
  return {
    id: Number(row.id),
    repositoryId: Number(row.repository_id),
    sha: row.sha as string,
    guideline: row.guideline_id as string,
    version: row.version as string,
    state: row.state as string,
    trigger: (row.trigger as string | null) ?? null,
    tracks: (row.tracks as ScanTrack[] | null) ?? [],
    checkRunId: row.check_run_id === null ? null : Number(row.check_run_id),
    summary: (row.summary as Record<string, number> | null) ?? null,
    createdAt: iso(row.created_at),
    finishedAt: row.finished_at === null ? null : iso(row.finished_at),
  };
}

/**
 * Stores completed scans (replacing the findings of an earlier scan of the same commit and
 * version) and, when `sha` is the repository's known default-branch head (or none is known),
 * replaces the latest status of each track. Returns the scan ids in `results` order.
 */
export async function saveScanResults(tx: Queryable, input: SaveScanInput): Promise<number[]> {
  const head = await tx.query<{ head_sha: string | null }>(
    `SELECT head_sha FROM repositories WHERE id = $1 FOR UPDATE`,
    [input.repositoryId],
  );
  const headSha = head.rows[0]?.head_sha ?? null;
  const current = headSha === null || headSha === input.sha;
  const ids: number[] = [];
  for (const r of input.results) {
    const scan = await tx.query<{ id: string }>(
      `INSERT INTO scans (repository_id, sha, guideline_id, version, state, trigger, delivery_id,
         summary, tracks, started_at, finished_at)
       VALUES ($1, $2, $3, $4, 'completed', $5, $6, $7::jsonb, $8, $9, now())
       ON CONFLICT (repository_id, sha, guideline_id, version) DO UPDATE SET state = 'completed',
         trigger = EXCLUDED.trigger, delivery_id = EXCLUDED.delivery_id, summary = EXCLUDED.summary,
         tracks = EXCLUDED.tracks, started_at = EXCLUDED.started_at, finished_at = now(), error = NULL
       RETURNING id`,
      [
        input.repositoryId,
        input.sha,
        r.guideline,
        r.version,
        input.trigger,
        input.deliveryId,
        JSON.stringify(r.summary),
        r.tracks,
        input.startedAt,
      ],
    );
    const scanId = Number(scan.rows[0]!.id);
    ids.push(scanId);
    const rows = JSON.stringify(
      r.findings.map((f) => ({
        rule_id: f.ruleId,
        status: f.status,
        level: f.level,
        message: f.message,
        evidence: f.evidence.slice(0, MAX_EVIDENCE),
      })),
    );
    await tx.query(`DELETE FROM findings WHERE scan_id = $1`, [scanId]);
    await tx.query(
      `INSERT INTO findings (scan_id, rule_id, status, level, message, evidence)
       SELECT $1, x.rule_id, x.status::finding_status, x.level, x.message, x.evidence
       FROM jsonb_to_recordset($2::jsonb)
         AS x(rule_id text, status text, level text, message text, evidence jsonb)`,
      [scanId, rows],
    );
    if (!current) continue;
    for (const track of r.tracks) {
      // `since` survives the replacement while a rule keeps its status.
      const previous = await tx.query(
        `DELETE FROM rule_status WHERE repository_id = $1 AND guideline_id = $2 AND track = $3
         RETURNING rule_id, status::text AS status, since`,
        [input.repositoryId, r.guideline, track],
      );
      await tx.query(
        `INSERT INTO rule_status (repository_id, guideline_id, rule_id, version, status, level,
           scan_id, sha, evidence, message, track, since)
         SELECT $1, $2, f.rule_id, $3, f.status, f.level, f.scan_id, $4, f.evidence, f.message, $5,
           COALESCE(p.since, now())
         FROM findings f LEFT JOIN jsonb_to_recordset($7::jsonb) AS p(rule_id text, status text,
           since timestamptz) ON p.rule_id = f.rule_id AND p.status = f.status::text
         WHERE f.scan_id = $6`,
        [
          input.repositoryId,
          r.guideline,
          r.version,
          input.sha,
          track,
          scanId,
          JSON.stringify(previous.rows),
        ],
      );
    }
  }
  return ids;
}

export async function setScanCheckRun(
  q: Queryable,
  scanIds: readonly number[],
  checkRunId: number,
): Promise<void> {
  await q.query(`UPDATE scans SET check_run_id = $2 WHERE id = ANY($1::bigint[])`, [
    scanIds,
    checkRunId,
  ]);
}

/** Completed scans of one commit. */
export async function listScansOfCommit(
  q: Queryable,
  repositoryId: number,
  sha: string,
): Promise<ScanRecord[]> {
  const r = await q.query(
    `SELECT ${SCAN_COLUMNS} FROM scans WHERE repository_id = $1 AND sha = $2 AND state = 'completed' ORDER BY id`,
    [repositoryId, sha],
  );
  return r.rows.map(scanFromRow);
}

export async function listScans(
  q: Queryable,
  repositoryId: number,
  options: { limit?: number } = {},
): Promise<ScanRecord[]> {
  const r = await q.query(
    `SELECT ${SCAN_COLUMNS} FROM scans WHERE repository_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
    [repositoryId, options.limit ?? 100],
  );
  return r.rows.map(scanFromRow);
}

export interface RescanCandidate {
  repositoryId: number;
  owner: string;
  name: string;
  defaultBranch: string;
  installationId: number | null;
  headSha: string | null;
  lastScanSha: string | null;
  lastScanAt: string | null;
  /** `head-changed`: the known head was never scanned; `stale`: the last scan is too old. */
  reason: 'head-changed' | 'stale' | 'never-scanned';
}

/**
 * Live, unarchived repositories whose known default-branch head has no completed scan, or whose
 * newest completed scan is older than `maxAgeHours`.
 */
export async function listRescanCandidates(
  q: Queryable,
  options: { maxAgeHours: number; limit?: number },
): Promise<RescanCandidate[]> {
  const r = await q.query(
    `SELECT r.id, r.owner, r.name, r.default_branch, r.installation_id, r.head_sha,
            s.sha AS last_sha, s.finished_at AS last_at,
            EXISTS (SELECT 1 FROM scans h WHERE h.repository_id = r.id AND h.sha = r.head_sha
                    AND h.state = 'completed') AS head_scanned
     FROM repositories r
     LEFT JOIN LATERAL (SELECT sha, finished_at FROM scans WHERE repository_id = r.id
                        AND state = 'completed' ORDER BY finished_at DESC LIMIT 1) s ON true
     WHERE r.deleted_at IS NULL AND NOT r.archived
     ORDER BY r.id LIMIT $1`,
    [options.limit ?? 10_000],
  );
  const cutoff = Date.now() - options.maxAgeHours * 3600_000;
  const out: RescanCandidate[] = [];
  for (const row of r.rows) {
    const lastAt = row.last_at === null ? null : iso(row.last_at);
    const headSha = (row.head_sha as string | null) ?? null;
    const reason: RescanCandidate['reason'] | null =
      headSha && !row.head_scanned
        ? 'head-changed'
        : lastAt === null
          ? 'never-scanned'
          : Date.parse(lastAt) < cutoff
            ? 'stale'
            : null;
    if (!reason) continue;
    out.push({
      repositoryId: Number(row.id),
      owner: row.owner as string,
      name: row.name as string,
      defaultBranch: row.default_branch as string,
      installationId: row.installation_id === null ? null : Number(row.installation_id),
      headSha,
      lastScanSha: (row.last_sha as string | null) ?? null,
      lastScanAt: lastAt,
      reason,
    });
  }
  return out;
}

/** Remembers the default-branch head a webhook or a sync reported. */
/**
 * Moves the default-branch head seen. With `at` (when that head was pushed or merged), a
 * different head already seen at a later time is kept: returns false and changes nothing. The
 * same head (a merge and its own push, in either order) always counts as seen. Without `at` (read
 * from GitHub directly), the head is set.
 */
export async function setRepositoryHead(
  q: Queryable,
  repositoryId: number,
  sha: string,
  at: Date | null = null,
): Promise<boolean> {
  const r = await q.query(
    `UPDATE repositories SET head_sha = $2, head_at = GREATEST(head_at, $3::timestamptz),
       updated_at = now()
     WHERE id = $1 AND (head_sha = $2 OR $3::timestamptz IS NULL OR head_at IS NULL
       OR head_at <= $3::timestamptz)`,
    [repositoryId, sha, at],
  );
  return (r.rowCount ?? 0) > 0;
}

export async function getRepositoryHead(
  q: Queryable,
  repositoryId: number,
): Promise<string | null> {
  const r = await q.query<{ head_sha: string | null }>(
    `SELECT head_sha FROM repositories WHERE id = $1`,
    [repositoryId],
  );
  return r.rows[0]?.head_sha ?? null;
}
