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
import { LOCK_PATH, buildSteeringFiles, gitBlobSha, mergeLock } from './build-steering-files.js';
import type { DistributeCache } from './create-distribute-cache.js';
import { readDefaultBranch, type BaseBranch } from './read-default-branch.js';
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

/** What one distribution works on: the repository, the files to write and the branch. */
interface Target {
  port: RepositoryPort;
  owner: string;
  repo: string;
  input: DistributeInput;
  branch: string;
  files: ReturnType<typeof buildSteeringFiles>;
}

/** The earlier pull request of this guideline: still open (reusable), or merged/closed. */
interface Previous {
  open: PullRequestInfo | null;
  settled: 'merged' | 'closed' | undefined;
}

export async function distributeToRepository(
  port: RepositoryPort,
  input: DistributeInput,
): Promise<DistributeOutcome> {
  const t: Target = {
    port,
    owner: input.owner,
    repo: input.repo,
    input,
    branch: `steering/${input.version.guideline}`,
    files: buildSteeringFiles(input.version),
  };
  const base = await readDefaultBranch(port, {
    owner: input.owner,
    repo: input.repo,
    branch: input.defaultBranch,
    paths: [t.files.mdPath, t.files.rulesPath, LOCK_PATH],
    ...(input.cache ? { cache: input.cache } : {}),
  });
  if (holdsFiles(t, base)) return settleUpToDate(t, await readPrevious(t));

  const lockText = await readLock(t, base);
  const previous = await readPrevious(t);
  const { open } = previous;
  // An open pull request whose head is not the commit we last wrote: someone else pushed.
  if (open && open.headSha !== input.previous?.branchSha && !open.labels.includes(TAKEOVER_LABEL)) {
    const authors = await foreignAuthors(t, base.sha, open.headSha);
    if (authors) return blocked(t, open.number, authors, previous.settled);
  }
  const commit = await writeCommit(t, base, lockText);
  const placed = await placeBranch(t, base.sha, commit, previous);
  if ('state' in placed) return placed;
  return openOrUpdatePullRequest(t, commit, placed.open, previous.settled);
}

function holdsFiles(t: Target, base: BaseBranch): boolean {
  return (
    base.shaOf(t.files.mdPath) === gitBlobSha(t.files.md) &&
    base.shaOf(t.files.rulesPath) === gitBlobSha(t.files.rulesJson)
  );
}

/** Phase 2: the earlier pull request, if this repository had one. */
async function readPrevious(t: Target): Promise<Previous> {
  const prev = t.input.previous;
  if (!prev) return { open: null, settled: undefined };
  const p = await t.port.getPullRequest(t.owner, t.repo, prev.prNumber);
  if (p.state === 'open' && p.headRef === t.branch) return { open: p, settled: undefined };
  return { open: null, settled: p.merged ? 'merged' : 'closed' };
}

/** The default branch already holds this version: close a steering pull request still open. */
async function settleUpToDate(t: Target, previous: Previous): Promise<DistributeOutcome> {
  const { open, settled } = previous;
  if (open) {
    await t.port.createIssueComment(
      t.owner,
      t.repo,
      open.number,
      upToDateComment(t.input.version.version),
    );
    await t.port.updatePullRequest(t.owner, t.repo, open.number, { state: 'closed' });
    return { state: 'up-to-date', closedPr: open.number, previousSettled: 'closed' };
  }
  return { state: 'up-to-date', closedPr: null, ...(settled ? { previousSettled: settled } : {}) };
}

/** `.steering/lock.json` at the head (other guidelines' entries are kept), from cache when held. */
async function readLock(t: Target, base: BaseBranch): Promise<string | null> {
  if (base.direct) return base.direct[LOCK_PATH] ?? null;
  const sha = base.shaOf(LOCK_PATH);
  if (!sha) return null;
  const cached = await t.input.cache?.blob(sha);
  if (cached !== null && cached !== undefined) return cached;
  const bytes = await t.port.getBlob(t.owner, t.repo, sha);
  const text = bytes.toString('utf8');
  if (!bytes.includes(0)) await t.input.cache?.putBlob(sha, text);
  return text;
}

/** Who else committed on the branch (commits since the base without steering's trailer). */
async function foreignAuthors(t: Target, base: string, head: string): Promise<string[] | null> {
  const cmp = await t.port.compareCommits(t.owner, t.repo, base, head);
  const foreign = cmp.commits.filter((c) => !c.message.includes(STEERING_TRAILER));
  if (!foreign.length) return null;
  return [...new Set(foreign.map((c) => c.authorLogin ?? c.committerLogin ?? 'someone'))];
}

async function blocked(
  t: Target,
  prNumber: number | null,
  authors: string[],
  settled: Previous['settled'],
): Promise<DistributeOutcome> {
  if (prNumber !== null)
    await t.port.createIssueComment(t.owner, t.repo, prNumber, blockedComment(t.branch, authors));
  return {
    state: 'blocked',
    prNumber,
    reason: `${t.branch} has commits not made by steering (by ${authors.join(', ')}); delete the branch or add the label ${TAKEOVER_LABEL}`,
    ...(settled ? { previousSettled: settled } : {}),
  };
}

/** Phase 3: one tree with the three files on the base tree, and one commit on the base. */
async function writeCommit(t: Target, base: BaseBranch, lockText: string | null): Promise<string> {
  const { port, owner, repo, files, input } = t;
  const v = input.version;
  const lock = mergeLock(lockText, v.guideline, { version: v.version, hash: files.hash });
  const treeSha = await port.createTree(owner, repo, {
    baseTree: base.rootTree,
    files: [
      { path: files.mdPath, content: files.md },
      { path: files.rulesPath, content: files.rulesJson },
      { path: LOCK_PATH, content: lock },
    ],
  });
  // Once merged, the default branch holds this very blob: the next version needs no read of it.
  await input.cache?.putBlob(gitBlobSha(lock), lock);
  return port.createCommit(owner, repo, {
    message: commitMessage(v),
    tree: treeSha,
    parents: [base.sha],
  });
}

/**
 * Phase 4: point `steering/<guideline>` at the commit. Returns the open pull request to update
 * (found along the way after a crash), or a `blocked` outcome when someone else's commits are on
 * the branch.
 */
async function placeBranch(
  t: Target,
  base: string,
  commit: string,
  previous: Previous,
): Promise<{ open: PullRequestInfo | null } | DistributeOutcome> {
  const { port, owner, repo, branch, input } = t;
  if (previous.open) {
    await port.updateRef(owner, repo, branch, commit, true);
    return { open: previous.open };
  }
  if (input.previous && previous.settled) {
    // The earlier PR was merged or closed and GitHub usually keeps its branch: look before
    // writing. Still at the commit steering wrote (or an ancestor of the base, as after a merge):
    // move it; someone else's commits on it: blocked, as for an open PR.
    const existing = await port.getRef(owner, repo, branch);
    if (existing && existing !== input.previous.branchSha) {
      const authors = await foreignAuthors(t, base, existing);
      if (authors) return blocked(t, null, authors, previous.settled);
    }
    if (existing) await port.updateRef(owner, repo, branch, commit, true);
    else await port.createRef(owner, repo, branch, commit);
    return { open: null };
  }
  try {
    await port.createRef(owner, repo, branch, commit);
    return { open: null };
  } catch (err) {
    if (!is422(err)) throw err;
  }
  // The branch exists though we hold no open pull request for it (a crash, or a person).
  const head = await port.getRef(owner, repo, branch);
  const open = await port.findOpenPullRequest(owner, repo, branch);
  if (head && !open?.labels.includes(TAKEOVER_LABEL)) {
    const authors = await foreignAuthors(t, base, head);
    if (authors) return blocked(t, open?.number ?? null, authors, previous.settled);
  }
  if (head) await port.updateRef(owner, repo, branch, commit, true);
  else await port.createRef(owner, repo, branch, commit);
  return { open };
}

/** Phase 5: update the open pull request, or open one (and label it). */
async function openOrUpdatePullRequest(
  t: Target,
  commit: string,
  open: PullRequestInfo | null,
  settled: Previous['settled'],
): Promise<DistributeOutcome> {
  const { port, owner, repo, branch, input } = t;
  const label = input.label ?? STEERING_LABEL;
  const title = pullRequestTitle(input.version);
  const body = pullRequestBody(input.version);
  const extra = settled ? { previousSettled: settled } : {};
  if (open) {
    await port.updatePullRequest(owner, repo, open.number, { title, body });
    if (label && !open.labels.includes(label))
      await port.addLabels(owner, repo, open.number, [label]);
    return { state: 'updated', prNumber: open.number, branchSha: commit, ...extra };
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
    return { state: 'updated', prNumber: existing.number, branchSha: commit, ...extra };
  }
  if (label) await port.addLabels(owner, repo, created.number, [label]);
  return { state: 'opened', prNumber: created.number, branchSha: commit, ...extra };
}
