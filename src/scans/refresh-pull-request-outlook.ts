/**
 * Keeps the rollout pull request current: after a scan of the default-branch head against a
 * version whose steering pull request is still open here, the body's "what this version means for
 * this repository" section is recomputed and the pull request updated in place — only when the
 * body differs from what steering last wrote (one write, none for an unchanged outcome).
 */
import { createHash } from 'node:crypto';
import { repositoryOutlook } from '../compliance/index.js';
import type { RepositoryPort } from '../github/index.js';
import { pullRequestBody } from '../jobs/index.js';
import type { Db, GuidelineVersionRecord } from '../store/index.js';

export async function refreshPullRequestOutlook(
  db: Db,
  port: RepositoryPort,
  repo: { id: number; owner: string; name: string },
  version: GuidelineVersionRecord,
): Promise<number | null> {
  const t = await db.query<{ rollout_id: string; pr_number: number; body_sha256: string | null }>(
    `SELECT t.rollout_id, t.pr_number, t.body_sha256 FROM rollout_targets t
     JOIN rollouts r ON r.id = t.rollout_id
     WHERE t.repository_id = $1 AND r.guideline_id = $2 AND r.version = $3
       AND t.state IN ('opened', 'updated') AND t.pr_number IS NOT NULL
     ORDER BY t.rollout_id DESC LIMIT 1`,
    [repo.id, version.guideline, version.version],
  );
  const target = t.rows[0];
  if (!target) return null;
  const outlook = await repositoryOutlook(db, repo.id, version.guideline, version.version);
  const body = pullRequestBody({ ...version, ruleCount: version.rules.length, outlook });
  const sha = createHash('sha256').update(body).digest('hex');
  if (sha === target.body_sha256) return null;
  await port.updatePullRequest(repo.owner, repo.name, target.pr_number, { body });
  await db.query(
    `UPDATE rollout_targets SET body_sha256 = $3 WHERE rollout_id = $1 AND repository_id = $2`,
    [target.rollout_id, repo.id, sha],
  );
  return target.pr_number;
}
