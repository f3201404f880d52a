/**
 * The snapshot caches of the scan job. Blob texts are content-addressed (a git blob sha names
 * the same bytes in every repository), so one row serves every repository and scan. The tree
 * cache keeps each repository's last recursive listing with its ETag.
 */
import type { Queryable } from './db.js';
import { queryOne } from './query-one.js';

export interface CachedTree {
  sha: string;
  etag: string | null;
  /** Blobs only: [path, blob sha, size]. */
  entries: [string, string, number][];
  truncated: boolean;
}

export async function getCachedBlobs(
  q: Queryable,
  shas: readonly string[],
): Promise<Map<string, string>> {
  if (!shas.length) return new Map();
  const r = await q.query<{ sha: string; content: string }>(
    `SELECT sha, content FROM blob_cache WHERE sha = ANY($1::text[])`,
    [shas],
  );
  return new Map(r.rows.map((row) => [row.sha, row.content]));
}

export async function putCachedBlobs(
  q: Queryable,
  blobs: readonly { sha: string; content: string }[],
): Promise<void> {
  if (!blobs.length) return;
  await q.query(
    `INSERT INTO blob_cache (sha, content, size)
     SELECT x.sha, x.content, length(x.content) FROM jsonb_to_recordset($1::jsonb) AS x(sha text, content text)
     ON CONFLICT (sha) DO NOTHING`,
    [JSON.stringify(blobs)],
  );
}

export async function getCachedTree(
  q: Queryable,
  repositoryId: number,
): Promise<CachedTree | null> {
  return queryOne(
    q,
    `SELECT sha, etag, entries, truncated FROM tree_cache WHERE repository_id = $1`,
    [repositoryId],
    (row) => ({
      sha: row.sha as string,
      etag: (row.etag as string | null) ?? null,
      entries: row.entries as [string, string, number][],
      truncated: Boolean(row.truncated),
    }),
  );
}

export async function putCachedTree(
  q: Queryable,
  repositoryId: number,
  tree: CachedTree,
): Promise<void> {
  await q.query(
    `INSERT INTO tree_cache (repository_id, sha, etag, entries, truncated) VALUES ($1, $2, $3, $4::jsonb, $5)
     ON CONFLICT (repository_id) DO UPDATE SET sha = EXCLUDED.sha, etag = EXCLUDED.etag,
       entries = EXCLUDED.entries, truncated = EXCLUDED.truncated, updated_at = now()`,
    [repositoryId, tree.sha, tree.etag, JSON.stringify(tree.entries), tree.truncated],
  );
}
