/**
 * Phase 1 of a distribution: the default branch's head commit and root tree in one request
 * (get-branch), and the listing of that commit: from tree_cache when it holds the head (a commit's
 * tree never changes), else read recursively and stored. A truncated listing (a very large
 * repository) falls back to reading the few files steering needs directly.
 */
import { SteeringError } from '../errors.js';
import type { RepositoryPort } from '../github/index.js';
import type { CachedTree } from '../store/index.js';
import { gitBlobSha } from './build-steering-files.js';
import type { DistributeCache } from './create-distribute-cache.js';

/** The default branch as steering needs it: its head, root tree and how to find a file's blob. */
export interface BaseBranch {
  sha: string;
  rootTree: string;
  /** The blob sha of a path at the head, undefined when absent. */
  shaOf(path: string): string | undefined;
  /** Texts read directly (the listing was truncated), keyed by path; null otherwise. */
  direct: Record<string, string | null> | null;
}

/** Phase 1: the head commit and its root tree in one request, and the listing of that commit. */
export async function readDefaultBranch(
  port: RepositoryPort,
  at: {
    owner: string;
    repo: string;
    branch: string;
    /** The files to read directly when the listing is truncated. */
    paths: readonly string[];
    cache?: DistributeCache;
  },
): Promise<BaseBranch> {
  const { owner, repo, cache } = at;
  const head = await port.getBranch(owner, repo, at.branch);
  if (!head) {
    throw new SteeringError(
      'GITHUB_NOT_FOUND',
      `${owner}/${repo}: default branch ${at.branch} not found`,
    );
  }
  // The listing of the head commit: cached (exact, a commit's tree never changes) or read.
  let listing: CachedTree | null = (await cache?.tree(head.sha)) ?? null;
  if (!listing) {
    const tree = await port.getTree(owner, repo, head.treeSha, { recursive: true });
    listing = {
      sha: head.sha,
      etag: tree.etag ?? null,
      entries: tree.entries
        .filter((e) => e.type === 'blob')
        .map((e) => [e.path, e.sha, e.size ?? 0] as [string, string, number]),
      truncated: tree.truncated,
    };
    await cache?.putTree(listing);
  }
  const entries = new Map(listing.entries.map(([path, sha]) => [path, sha]));
  // A very large repository's recursive listing can be truncated: then read the files directly.
  const direct = listing.truncated
    ? Object.fromEntries(
        await Promise.all(
          at.paths.map(
            async (p) => [p, await port.getFileContent(owner, repo, p, head.sha)] as const,
          ),
        ),
      )
    : null;
  return {
    sha: head.sha,
    rootTree: head.treeSha,
    direct,
    shaOf(path) {
      if (!direct) return entries.get(path);
      const content = direct[path];
      return content === null || content === undefined ? undefined : gitBlobSha(content);
    },
  };
}
