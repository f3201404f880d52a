/**
 * Merging a pull request the way GitHub's merge button does: a merge commit on the base branch
 * whose tree is the base tree with the head's changes (since the merge base) applied. GitHub
 * computes mergeability asynchronously: after the head or the base moves, `mergeable` is null
 * until `behaviour.mergeabilityDelayMs` (simulated) have passed.
 */
import { emitPull } from './emit-events.js';
import { ancestors, buildTree, flattenTree, writeCommit, type Signature } from './git-objects.js';
import type { Ctx } from './http-kit.js';
import type { SimPull, SimRepo } from './state.js';

export function mergePull(repo: SimRepo, pull: SimPull, by: Signature, now: string): string {
  const baseSha = repo.refs.get(`heads/${pull.base}`);
  const headSha = repo.refs.get(`heads/${pull.head}`) ?? pull.headSha;
  if (!baseSha || !headSha) throw new Error('cannot merge: missing base or head');
  const treeOf = (sha: string): string => {
    const c = repo.objects.get(sha);
    if (c?.type !== 'commit') throw new Error(`not a commit: ${sha}`);
    return c.tree;
  };
  const baseAncestors = new Set(ancestors(repo.objects, baseSha));
  const mergeBase = ancestors(repo.objects, headSha).find((s) => baseAncestors.has(s));
  const from = mergeBase ? flattenTree(repo.objects, treeOf(mergeBase)) : new Map();
  const head = flattenTree(repo.objects, treeOf(headSha));
  const result = flattenTree(repo.objects, treeOf(baseSha));
  for (const [path, entry] of head) if (from.get(path)?.sha !== entry.sha) result.set(path, entry);
  for (const path of from.keys()) if (!head.has(path)) result.delete(path);
  const tree = buildTree(repo.objects, result);
  const sha = writeCommit(repo.objects, {
    tree,
    parents: [baseSha, headSha],
    message: `Merge pull request #${pull.number} from ${repo.owner}/${pull.head}\n\n${pull.title}`,
    author: by,
    committer: { name: 'GitHub', email: 'noreply@github.com', date: by.date, login: 'web-flow' },
  });
  repo.refs.set(`heads/${pull.base}`, sha);
  pull.state = 'closed';
  pull.merged = true;
  pull.mergedAt = now;
  pull.closedAt = now;
  pull.updatedAt = now;
  pull.headSha = headSha;
  pull.mergeCommitSha = sha;
  pull.mergedBy = by.login ?? by.name;
  return sha;
}

/** Mergeability as GitHub reports it at simulated time `now` (null while computing). */
export function refreshMergeable(repo: SimRepo, pull: SimPull, now: number): void {
  if (pull.state !== 'open' || pull.mergeable !== null || now < pull.mergeableAt) return;
  const base = repo.refs.get(`heads/${pull.base}`);
  const head = repo.refs.get(`heads/${pull.head}`);
  pull.mergeable = Boolean(base && head);
}

/** A branch moved: open PRs with it as head get `synchronize`; mergeability is recomputed. */
export function onHeadMoved(
  ctx: Pick<Ctx, 'events' | 'behaviour' | 'clock'>,
  repo: SimRepo,
  ref: string,
  before: string,
  after: string,
  login: string,
): void {
  if (!ref.startsWith('heads/')) return;
  const branch = ref.slice('heads/'.length);
  const now = ctx.clock.now();
  for (const pull of repo.pulls) {
    if (pull.state !== 'open' || (pull.head !== branch && pull.base !== branch)) continue;
    pull.mergeable = null;
    pull.mergeableAt = now + ctx.behaviour.mergeabilityDelayMs;
    if (pull.head === branch) {
      pull.lastHeadSha = after;
      pull.commits += 1;
      emitPull(ctx.events, repo, pull, 'synchronize', login, { before, after });
    }
  }
}
