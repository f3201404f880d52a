/** Repositories × rules: the effective status (and overdue) of each cell, for a page of repositories. */
import type { Db } from '../store/index.js';
import type { FindingStatus } from './list-repositories.js';
import { statusRows } from './status-sql.js';

export interface HeatmapCell {
  status: FindingStatus;
  overdue: boolean;
}

export const HEATMAP_SQL = `SELECT repository_id, rule_id, status, overdue
  FROM ${statusRows((rs) => `${rs}.guideline_id = $1 AND ${rs}.track = 'latest' AND ${rs}.repository_id = ANY ($2::bigint[])`)} x`;

export async function heatmapCells(
  db: Db,
  guideline: string,
  repositoryIds: readonly number[],
): Promise<Map<number, Map<string, HeatmapCell>>> {
  const out = new Map<number, Map<string, HeatmapCell>>();
  if (!repositoryIds.length) return out;
  const r = await db.query<{
    repository_id: string;
    rule_id: string;
    status: FindingStatus;
    overdue: boolean;
  }>(HEATMAP_SQL, [guideline, repositoryIds]);
  for (const row of r.rows) {
    const id = Number(row.repository_id);
    const m = out.get(id) ?? new Map<string, HeatmapCell>();
    out.set(id, m);
    m.set(row.rule_id, { status: row.status, overdue: Boolean(row.overdue) });
  }
  return out;
}
