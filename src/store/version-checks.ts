/**
 * The checks file of a guideline version: stored once per content (sha256) in `checks_files` and
 * linked to each version that was published with it. Used by the publish service (inside its
 * transaction) and by the scan job (which evaluates a version with that version's checks).
 */
import type { Queryable, Transaction } from './db.js';
import { queryOne } from './query-one.js';
import { sha256 } from '../hash.js';

export interface VersionChecks {
  sha256: string;
  text: string;
}

export async function storeVersionChecks(
  tx: Transaction,
  guideline: string,
  version: string,
  text: string,
): Promise<VersionChecks> {
  const sha = sha256(text);
  await tx.query(
    `INSERT INTO checks_files (sha256, guideline_id, text) VALUES ($1, $2, $3)
     ON CONFLICT (sha256) DO NOTHING`,
    [sha, guideline, text],
  );
  await tx.query(
    `INSERT INTO guideline_version_checks (guideline_version_id, guideline_id, version, checks_sha256)
     SELECT id, guideline_id, version, $3 FROM guideline_versions
     WHERE guideline_id = $1 AND version = $2
     ON CONFLICT (guideline_version_id) DO UPDATE SET checks_sha256 = EXCLUDED.checks_sha256`,
    [guideline, version, sha],
  );
  return { sha256: sha, text };
}

/** The checks a version was published with, or null (published without a checks file). */
export async function getVersionChecks(
  q: Queryable,
  guideline: string,
  version: string,
): Promise<VersionChecks | null> {
  return queryOne(
    q,
    `SELECT f.sha256, f.text FROM guideline_version_checks v
     JOIN checks_files f ON f.sha256 = v.checks_sha256
     WHERE v.guideline_id = $1 AND v.version = $2`,
    [guideline, version],
    (row) => ({ sha256: row.sha256 as string, text: row.text as string }),
  );
}
