/** Adoptions: which version of a guideline a repository merged (one row per merge; latest wins). */
import type { Queryable } from './db.js';

/** The adopted version per guideline of one repository (latest adoption wins). */
export async function getAdoptedVersions(
  q: Queryable,
  repositoryId: number,
): Promise<Map<string, string>> {
  const r = await q.query<{ guideline_id: string; version: string }>(
    `SELECT DISTINCT ON (guideline_id) guideline_id, version FROM adoptions
     WHERE repository_id = $1 ORDER BY guideline_id, adopted_at DESC, id DESC`,
    [repositoryId],
  );
  return new Map(r.rows.map((row) => [row.guideline_id, row.version]));
}

/**
 * Records the merge of a steering pull request. The version comes from the rollout target that
 * opened the pull request; returns null when no rollout knows that pull request. Idempotent per
 * (repository, pull request).
 */
export async function recordAdoptionFromPullRequest(
  q: Queryable,
  input: { repositoryId: number; prNumber: number; mergeSha: string | null },
): Promise<{ guideline: string; version: string } | null> {
  const t = await q.query<{ guideline_id: string; version: string; rollout_id: string }>(
    `SELECT r.guideline_id, r.version, r.id AS rollout_id FROM rollout_targets t
     JOIN rollouts r ON r.id = t.rollout_id
     WHERE t.repository_id = $1 AND t.pr_number = $2 ORDER BY t.rollout_id DESC LIMIT 1`,
    [input.repositoryId, input.prNumber],
  );
  const row = t.rows[0];
  if (!row) return null;
  await q.query(
    `INSERT INTO adoptions (repository_id, guideline_id, version, pr_number, merge_sha)
     SELECT $1, $2, $3, $4, $5 WHERE NOT EXISTS (
       SELECT 1 FROM adoptions WHERE repository_id = $1 AND guideline_id = $2 AND pr_number = $4)`,
    [input.repositoryId, row.guideline_id, row.version, input.prNumber, input.mergeSha],
  );
  await q.query(
    `UPDATE rollout_targets SET state = 'merged', updated_at = now()
     WHERE rollout_id = $1 AND repository_id = $2 AND pr_number = $3`,
    [row.rollout_id, input.repositoryId, input.prNumber],
  );
  return { guideline: row.guideline_id, version: row.version };
}

/** Records an adoption directly (tests, `steering` commands, a lock file read by a scan). */
export async function recordAdoption(
  q: Queryable,
  input: { repositoryId: number; guideline: string; version: string; prNumber?: number },
): Promise<void> {
  await q.query(
    `INSERT INTO adoptions (repository_id, guideline_id, version, pr_number) VALUES ($1, $2, $3, $4)`,
    [input.repositoryId, input.guideline, input.version, input.prNumber ?? null],
  );
}
