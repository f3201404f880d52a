/**
 * The PostgreSQL caches the distribute job shares with the scan job, seen from one repository:
 * its tree listing by commit sha (tree_cache: a commit's tree never changes, so a listing of the
 * same commit is exact) and file texts by git blob sha (blob_cache: content-addressed).
 */
import {
  getCachedBlobs,
  getCachedTree,
  putCachedBlobs,
  putCachedTree,
  type CachedTree,
  type Db,
} from '../store/index.js';

export interface DistributeCache {
  /** The cached recursive listing of `commit` (blobs only), or null. */
  tree(commit: string): Promise<CachedTree | null>;
  putTree(tree: CachedTree): Promise<void>;
  blob(sha: string): Promise<string | null>;
  putBlob(sha: string, content: string): Promise<void>;
}

export function createDistributeCache(db: Db, repositoryId: number): DistributeCache {
  return {
    async tree(commit) {
      const cached = await getCachedTree(db, repositoryId);
      return cached && cached.sha === commit ? cached : null;
    },
    putTree: (tree) => putCachedTree(db, repositoryId, tree),
    async blob(sha) {
      return (await getCachedBlobs(db, [sha])).get(sha) ?? null;
    },
    putBlob: (sha, content) => putCachedBlobs(db, [{ sha, content }]),
  };
}
