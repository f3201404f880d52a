/** A repository's scans, newest first (keyset by id), and one scan with its findings. */
import { listFindings, scanFromRow, type Db, type FindingRecord } from '../store/index.js';
import { decodeCursor, encodeCursor } from './cursor.js';

export interface ScanRow {
  id: number;
  repository: string;
  sha: string;
  guideline: string;
  version: string;
  state: string;
  trigger: string | null;
  tracks: string[];
  checkRunId: number | null;
  summary: Record<string, number> | null;
  createdAt: string;
  finishedAt: string | null;
}

const SELECT = `SELECT s.id, r.full_name, s.repository_id, s.sha, s.guideline_id, s.version, s.state::text AS state,
  s.trigger, s.tracks, s.check_run_id, s.summary, s.created_at, s.finished_at
  FROM scans s JOIN repositories r ON r.id = s.repository_id`;

/** The store's scan record, named by the repository's full name instead of its id. */
function toRow(row: Record<string, unknown>): ScanRow {
  const { id, repositoryId: _repositoryId, ...scan } = scanFromRow(row);
  return { id, repository: row.full_name as string, ...scan };
}

export const SCANS_SQL = `${SELECT} WHERE s.repository_id = $1 AND ($2::bigint IS NULL OR s.id < $2)
  ORDER BY s.id DESC LIMIT $3`;

export async function listRepositoryScans(
  db: Db,
  repositoryId: number,
  o: { limit: number; cursor?: string },
): Promise<{ scans: ScanRow[]; nextCursor: string | null }> {
  const after = o.cursor ? Number(decodeCursor(o.cursor, 1)[0]) : null;
  const r = await db.query(SCANS_SQL, [repositoryId, after, o.limit + 1]);
  const scans = r.rows.slice(0, o.limit).map(toRow);
  const last = scans[scans.length - 1];
  return { scans, nextCursor: r.rows.length > o.limit && last ? encodeCursor([last.id]) : null };
}

export async function getRepositoryScan(
  db: Db,
  repositoryId: number,
  scanId: number,
): Promise<(ScanRow & { findings: FindingRecord[] }) | null> {
  // The findings are read beside the scan (one round trip, not two); they are only returned when
  // the scan is this repository's.
  const [r, findings] = await Promise.all([
    db.query(`${SELECT} WHERE s.repository_id = $1 AND s.id = $2`, [repositoryId, scanId]),
    listFindings(db, scanId),
  ]);
  if (!r.rows[0]) return null;
  return { ...toRow(r.rows[0]), findings };
}
