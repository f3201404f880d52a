/**
 * One guideline version into one repository, through the GitHub port, idempotently:
 * - default branch already holds identical files → `up-to-date` (2 calls, 1 when the listing of
 *   its head commit is cached), and a steering pull request still open for it is closed with a
 *   comment;
 * - the default branch is read with get-branch, which gives the head commit and its root tree in
 *   one request, so a cached listing saves the tree read whether or not a write follows;
 * - a steering pull request is open → the branch is moved (force) to one fresh commit on the
 *   current base and the title and body are updated: never a second pull request;
 * - otherwise a branch `steering/<guideline>`, one commit (tree with inline content on the base
 *   tree), a pull request and the label (`steering` unless configured otherwise or empty);
 * - commits on the branch not made by steering (no trailer) → `blocked`, nothing force-pushed,
 *   unless the pull request carries the `steering-takeover` label.
 * With a `cache`, the default branch's listing is taken from tree_cache when it holds the head
 * commit (else read and stored there) and `.steering/lock.json` from blob_cache (the texts
 * steering writes are stored too, so a merged lock is never read back). The open pull request is
 * always read: only GitHub knows for sure it is still open and who pushed to its branch.
 * A retry after a crash at any point converges: an existing branch or pull request is found
 * (422 on create) and reused.
 */
import { SteeringError } from '../errors.js';
import type { PullRequestInfo, RepositoryPort } from '../github/index.js';
import type { Rule } from '../guidelines/index.js';
import type { CachedTree } from '../store/index.js';
import { LOCK_PATH, buildSteeringFiles, gitBlobSha, mergeLock } from './build-steering-files.js';
import type { DistributeCache } from './create-distribute-cache.js';
import {
  STEERING_LABEL,
  STEERING_TRAILER,
  TAKEOVER_LABEL,
  blockedComment,
  commitMessage,
  pullRequestBody,
  pullRequestTitle,
  upToDateComment,
  type PullRequestVersion,
} from './render-pull-request.js';

export interface DistributeInput {
  owner: string;
  repo: string;
  defaultBranch: string;
  version: PullRequestVersion & { source: string; rules: Rule[] };
  /** The pull request an earlier rollout of this guideline opened here, if any. */
  previous: { prNumber: number; branchSha: string | null } | null;
  /** The label a new pull request gets. Default `steering`; empty: no label (one write less). */
  label?: string;
  /** tree_cache / blob_cache of this repository; without it every listing is read. */
  cache?: DistributeCache;
}

export type DistributeOutcome = {
  /** An earlier pull request found merged or closed. */
  previousSettled?: 'merged' | 'closed';
} & (
  | { state: 'opened' | 'updated'; prNumber: number; branchSha: string }
  | { state: 'up-to-date'; closedPr: number | null }
  | { state: 'blocked'; prNumber: number | null; reason: string }
);

const is422 = (err: unknown): boolean =>
  err instanceof SteeringError && err.code === 'GITHUB_ERROR' && err.upstreamStatus === 422;

export async function distributeToRepository(
  port: RepositoryPort,
  input: DistributeInput,
): Promise<DistributeOutcome> {
  const { owner, repo, version: v } = input;
  const branch = `steering/${v.guideline}`;
  const files = buildSteeringFiles(v);

  // The head commit and its root tree in one request (create-tree needs the root tree's sha).
  const head = await port.getBranch(owner, repo, input.defaultBranch);
  if (!head) {
    throw new SteeringError(
      'GITHUB_NOT_FOUND',
      `${owner}/${repo}: default branch ${input.defaultBranch} not found`,
    );
  }
  const base = head.sha;
  const rootTree = head.treeSha;
  const { cache } = input;
  const label = input.label ?? STEERING_LABEL;
  // The listing of the head commit: cached (exact, a commit's tree never changes) or read.
  let listing: CachedTree | null = (await cache?.tree(base)) ?? null;
  if (!listing) {
    const t = await port.getTree(owner, repo, rootTree, { recursive: true });
    listing = {
      sha: base,
      etag: t.etag ?? null,
      entries: t.entries
        .filter((e) => e.type === 'blob')
        .map((e) => [e.path, e.sha, e.size ?? 0] as [string, string, number]),
      truncated: t.truncated,
    };
    await cache?.putTree(listing);
  }
  const entries = new Map(listing.entries.map(([path, sha]) => [path, sha]));
  // A very large repository's recursive listing can be truncated: then read the files directly.
  const direct = listing.truncated
    ? Object.fromEntries(
        await Promise.all(
          [files.mdPath, files.rulesPath, LOCK_PATH].map(
            async (p) => [p, await port.getFileContent(owner, repo, p, base)] as const,
          ),
        ),
      )
    : null;
  const shaOf = (path: string): string | undefined => {
    if (!direct) return entries.get(path);
    const content = direct[path];
    return content === null || content === undefined ? undefined : gitBlobSha(content);
  };

  let previousSettled: 'merged' | 'closed' | undefined;
  let pr: PullRequestInfo | null = null;
  const loadPrevious = async () => {
    if (!input.previous) return;
    const p = await port.getPullRequest(owner, repo, input.previous.prNumber);
    if (p.state === 'open' && p.headRef === branch) pr = p;
    else previousSettled = p.merged ? 'merged' : 'closed';
  };

  if (
    shaOf(files.mdPath) === gitBlobSha(files.md) &&
    shaOf(files.rulesPath) === gitBlobSha(files.rulesJson)
  ) {
    await loadPrevious();
    const open = pr as PullRequestInfo | null;
    if (open) {
      await port.createIssueComment(owner, repo, open.number, upToDateComment(v.version));
      await port.updatePullRequest(owner, repo, open.number, { state: 'closed' });
      return { state: 'up-to-date', closedPr: open.number, previousSettled: 'closed' };
    }
    return { state: 'up-to-date', closedPr: null, ...(previousSettled ? { previousSettled } : {}) };
  }

  const lockSha = direct ? undefined : shaOf(LOCK_PATH);
  const readBlob = async (sha: string): Promise<string> => {
    const cached = await cache?.blob(sha);
    if (cached !== null && cached !== undefined) return cached;
    const bytes = await port.getBlob(owner, repo, sha);
    const text = bytes.toString('utf8');
    if (!bytes.includes(0)) await cache?.putBlob(sha, text);
    return text;
  };
  const lockText = direct ? (direct[LOCK_PATH] ?? null) : lockSha ? await readBlob(lockSha) : null;
  await loadPrevious();
  let open = pr as PullRequestInfo | null;

  /** Who else committed on the branch (commits since the base without steering's trailer). */
  const foreignAuthors = async (head: string): Promise<string[] | null> => {
    const cmp = await port.compareCommits(owner, repo, base, head);
    const foreign = cmp.commits.filter((c) => !c.message.includes(STEERING_TRAILER));
    if (!foreign.length) return null;
    return [...new Set(foreign.map((c) => c.authorLogin ?? c.committerLogin ?? 'someone'))];
  };
  const blocked = async (
    prNumber: number | null,
    authors: string[],
  ): Promise<DistributeOutcome> => {
    if (prNumber !== null)
      await port.createIssueComment(owner, repo, prNumber, blockedComment(branch, authors));
    return {
      state: 'blocked',
      prNumber,
      reason: `${branch} has commits not made by steering (by ${authors.join(', ')}); delete the branch or add the label ${TAKEOVER_LABEL}`,
      ...(previousSettled ? { previousSettled } : {}),
    };
  };

  // An open pull request whose head is not the commit we last wrote: someone else pushed.
  if (open && open.headSha !== input.previous?.branchSha && !open.labels.includes(TAKEOVER_LABEL)) {
    const authors = await foreignAuthors(open.headSha);
    if (authors) return blocked(open.number, authors);
  }

  const lock = mergeLock(lockText, v.guideline, { version: v.version, hash: files.hash });
  const treeSha = await port.createTree(owner, repo, {
    baseTree: rootTree,
    files: [
      { path: files.mdPath, content: files.md },
      { path: files.rulesPath, content: files.rulesJson },
      { path: LOCK_PATH, content: lock },
    ],
  });
  // Once merged, the default branch holds this very blob: the next version needs no read of it.
  await cache?.putBlob(gitBlobSha(lock), lock);
  const commit = await port.createCommit(owner, repo, {
    message: commitMessage(v),
    tree: treeSha,
    parents: [base],
  });
  const title = pullRequestTitle(v);
  const body = pullRequestBody(v);

  if (!open && input.previous && previousSettled) {
    // The earlier PR was merged or closed and GitHub usually keeps its branch: look before
    // writing. Still at the commit steering wrote (or an ancestor of the base, as after a merge):
    // move it; someone else's commits on it: blocked, as for an open PR.
    const existing = await port.getRef(owner, repo, branch);
    if (existing && existing !== input.previous.branchSha) {
      const authors = await foreignAuthors(existing);
      if (authors) return blocked(null, authors);
    }
    if (existing) await port.updateRef(owner, repo, branch, commit, true);
    else await port.createRef(owner, repo, branch, commit);
  } else if (!open) {
    try {
      await port.createRef(owner, repo, branch, commit);
    } catch (err) {
      if (!is422(err)) throw err;
      // The branch exists though we hold no open pull request for it (a crash, or a person).
      const head = await port.getRef(owner, repo, branch);
      open = await port.findOpenPullRequest(owner, repo, branch);
      if (head && !open?.labels.includes(TAKEOVER_LABEL)) {
        const authors = await foreignAuthors(head);
        if (authors) return blocked(open?.number ?? null, authors);
      }
      if (head) await port.updateRef(owner, repo, branch, commit, true);
      else await port.createRef(owner, repo, branch, commit);
    }
  } else {
    await port.updateRef(owner, repo, branch, commit, true);
  }

  const settled = previousSettled ? { previousSettled } : {};
  if (open) {
    await port.updatePullRequest(owner, repo, open.number, { title, body });
    if (label && !open.labels.includes(label))
      await port.addLabels(owner, repo, open.number, [label]);
    return { state: 'updated', prNumber: open.number, branchSha: commit, ...settled };
  }
  let created: PullRequestInfo;
  try {
    created = await port.createPullRequest(owner, repo, {
      title,
      body,
      head: branch,
      base: input.defaultBranch,
    });
  } catch (err) {
    const existing = is422(err) ? await port.findOpenPullRequest(owner, repo, branch) : null;
    if (!existing) throw err;
    await port.updatePullRequest(owner, repo, existing.number, { title, body });
    return { state: 'updated', prNumber: existing.number, branchSha: commit, ...settled };
  }
  if (label) await port.addLabels(owner, repo, created.number, [label]);
  return { state: 'opened', prNumber: created.number, branchSha: commit, ...settled };
}
