/**
 * Merging a pull request the way GitHub's merge button does: a merge commit on the base branch
 * whose tree is the base tree with the head's changes (since the merge base) applied.
 */
import { ancestors, buildTree, flattenTree, writeCommit, type Signature } from './git-objects.js';
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
  pull.updatedAt = now;
  pull.headSha = headSha;
  return sha;
}
