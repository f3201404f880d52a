/**
 * Builds a checks `Snapshot` of one commit from GitHub at the lowest request cost:
 * - the tree: one recursive request. A commit's tree never changes, so the repository's cached
 *   listing of the same commit is reused without any request; a ref (branch name) is revalidated
 *   with its ETag (a 304 is free of rate limit).
 * - blobs: only the paths `requiredPaths` selects, looked up first in the content-addressed cache
 *   (by blob sha, shared across repositories) and fetched only when missing. Larger than
 *   `maxBlobBytes` or binary files are never fetched or stored; checks see them as unreadable.
 */
import { createSnapshot, type Snapshot } from '../checks/index.js';
import type { RepositoryPort } from '../github/index.js';
import type { Logger } from '../log.js';
import {
  getCachedBlobs,
  getCachedTree,
  putCachedBlobs,
  putCachedTree,
  type CachedTree,
  type Db,
} from '../store/index.js';

export interface SnapshotStats {
  treeRequests: number;
  treeFromCache: boolean;
  blobsRequired: number;
  blobsFetched: number;
  blobsCached: number;
  truncated: boolean;
}

export interface SnapshotOptions {
  /** Default 1 MiB. */
  maxBlobBytes?: number;
  /** Blob requests in flight. Default 8. */
  concurrency?: number;
}

const COMMIT_SHA = /^[0-9a-f]{40}$/;

export async function snapshotRepository(
  deps: { db: Db; port: RepositoryPort; logger: Logger },
  repo: { id: number; owner: string; name: string },
  sha: string,
  required: (paths: readonly string[]) => string[],
  options: SnapshotOptions = {},
): Promise<{ snapshot: Snapshot; stats: SnapshotStats }> {
  const stats: SnapshotStats = {
    treeRequests: 0,
    treeFromCache: false,
    blobsRequired: 0,
    blobsFetched: 0,
    blobsCached: 0,
    truncated: false,
  };
  const tree = await loadTree(deps, repo, sha, stats);
  stats.truncated = tree.truncated;
  if (tree.truncated)
    deps.logger.warn({ repo: `${repo.owner}/${repo.name}`, sha }, 'tree listing truncated');

  const bySha = new Map<string, string[]>();
  const byPath = new Map(tree.entries.map(([path, blob, size]) => [path, { blob, size }]));
  const maxBytes = options.maxBlobBytes ?? 1024 * 1024;
  for (const path of required(tree.entries.map((e) => e[0]))) {
    const e = byPath.get(path);
    if (!e || e.size > maxBytes) continue;
    stats.blobsRequired++;
    bySha.set(e.blob, [...(bySha.get(e.blob) ?? []), path]);
  }
  const texts = await getCachedBlobs(deps.db, [...bySha.keys()]);
  stats.blobsCached = texts.size;
  const missing = [...bySha.keys()].filter((s) => !texts.has(s));
  const fetched: { sha: string; content: string }[] = [];
  await forEachLimit(missing, options.concurrency ?? 8, async (blobSha) => {
    const bytes = await deps.port.getBlob(repo.owner, repo.name, blobSha);
    stats.blobsFetched++;
    if (bytes.includes(0)) return; // binary: PostgreSQL text cannot hold NUL, checks read text
    const content = bytes.toString('utf8');
    texts.set(blobSha, content);
    fetched.push({ sha: blobSha, content });
  });
  await putCachedBlobs(deps.db, fetched);

  const files = new Map<string, string>();
  for (const [blobSha, paths] of bySha) {
    const text = texts.get(blobSha);
    if (text !== undefined) for (const p of paths) files.set(p, text);
  }
  return {
    snapshot: createSnapshot(
      tree.entries.map((e) => e[0]),
      files,
    ),
    stats,
  };
}

async function loadTree(
  deps: { db: Db; port: RepositoryPort },
  repo: { id: number; owner: string; name: string },
  sha: string,
  stats: SnapshotStats,
): Promise<CachedTree> {
  const cached = await getCachedTree(deps.db, repo.id);
  if (cached && cached.sha === sha && COMMIT_SHA.test(sha)) {
    stats.treeFromCache = true;
    return cached;
  }
  const etag = cached && cached.sha === sha ? (cached.etag ?? undefined) : undefined;
  stats.treeRequests++;
  const res = await deps.port.getTree(repo.owner, repo.name, sha, { recursive: true, etag });
  if (res.notModified && cached) {
    stats.treeFromCache = true;
    return cached;
  }
  const tree: CachedTree = {
    sha,
    etag: res.etag ?? null,
    entries: res.entries
      .filter((e) => e.type === 'blob')
      .map((e) => [e.path, e.sha, e.size ?? 0] as [string, string, number]),
    truncated: res.truncated,
  };
  await putCachedTree(deps.db, repo.id, tree);
  return tree;
}

async function forEachLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const run = async () => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
}
