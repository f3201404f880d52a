/** Repositories, branches, contents, commits and compare. */
import { ancestors, flattenTree, listTree, type CommitObject } from '../git-objects.js';
import { SimHttpError, notFound, ok, route, type Route } from '../http-kit.js';
import { findRepo, repoUrl, resolveCommit } from '../find-repo.js';
import { toCommit, toRepo, type ComparisonBody, type ContentFileBody } from '../to-json.js';
import type { SimRepo } from '../state.js';

function commitOf(repo: SimRepo, sha: string): CommitObject {
  const c = repo.objects.get(sha);
  if (c?.type !== 'commit') throw notFound();
  return c;
}

export const repoRoutes: Route[] = [
  route('GET', '/repos/{owner}/{repo}', (ctx) => ok(toRepo(findRepo(ctx), ctx.baseUrl))),

  route('GET', '/repos/{owner}/{repo}/branches/{branch+}', (ctx) => {
    const repo = findRepo(ctx);
    const sha = repo.refs.get(`heads/${ctx.params.branch}`);
    if (!sha) throw new SimHttpError(404, 'Branch not found');
    return ok({
      name: ctx.params.branch,
      commit: toCommit(sha, commitOf(repo, sha), repoUrl(ctx, repo)),
      protected: false,
    });
  }),

  route('GET', '/repos/{owner}/{repo}/contents/{path+}', (ctx) => {
    const repo = findRepo(ctx);
    const ref = ctx.query.get('ref') ?? repo.defaultBranch;
    const sha = resolveCommit(repo, ref);
    if (!sha) throw new SimHttpError(404, `No commit found for the ref ${ref}`);
    const path = (ctx.params.path ?? '').replace(/\/+$/, '');
    const root = commitOf(repo, sha).tree;
    const file = flattenTree(repo.objects, root).get(path);
    if (file) {
      const blob = repo.objects.get(file.sha);
      const content = blob?.type === 'blob' ? blob.content : Buffer.alloc(0);
      const out: ContentFileBody = {
        type: 'file',
        encoding: 'base64',
        size: content.length,
        name: path.split('/').pop() ?? path,
        path,
        sha: file.sha,
        content: content.toString('base64'),
        url: `${repoUrl(ctx, repo)}/contents/${path}`,
      };
      return ok(out);
    }
    const dir = listTree(repo.objects, root, true).filter(
      (e) => e.path.startsWith(`${path}/`) && !e.path.slice(path.length + 1).includes('/'),
    );
    if (!dir.length) throw notFound();
    return ok(
      dir.map((e) => ({
        type: e.type === 'tree' ? 'dir' : 'file',
        name: e.path.split('/').pop(),
        path: e.path,
        sha: e.sha,
        size: e.size ?? 0,
      })),
    );
  }),

  route('GET', '/repos/{owner}/{repo}/commits', (ctx) => {
    const repo = findRepo(ctx);
    const ref = ctx.query.get('sha') ?? repo.defaultBranch;
    const sha = resolveCommit(repo, ref);
    if (!sha) throw new SimHttpError(404, `No commit found for SHA: ${ref}`);
    const perPage = Number(ctx.query.get('per_page') ?? 30);
    const list = ancestors(repo.objects, sha).slice(0, perPage);
    return ok(list.map((s) => toCommit(s, commitOf(repo, s), repoUrl(ctx, repo))));
  }),

  route('GET', '/repos/{owner}/{repo}/compare/{basehead+}', (ctx) => {
    const repo = findRepo(ctx);
    const [baseRef, headRef] = (ctx.params.basehead ?? '').split('...');
    const base = baseRef ? resolveCommit(repo, baseRef) : undefined;
    const head = headRef ? resolveCommit(repo, headRef) : undefined;
    if (!base || !head) throw notFound();
    const fromBase = new Set(ancestors(repo.objects, base));
    const fromHead = new Set(ancestors(repo.objects, head));
    const ahead = [...fromHead].filter((s) => !fromBase.has(s)).reverse();
    const behind = [...fromBase].filter((s) => !fromHead.has(s));
    const status =
      ahead.length === 0 && behind.length === 0
        ? 'identical'
        : behind.length === 0
          ? 'ahead'
          : ahead.length === 0
            ? 'behind'
            : 'diverged';
    const url = repoUrl(ctx, repo);
    const out: ComparisonBody = {
      url: `${url}/compare/${ctx.params.basehead}`,
      status,
      ahead_by: ahead.length,
      behind_by: behind.length,
      total_commits: ahead.length,
      base_commit: toCommit(base, commitOf(repo, base), url),
      commits: ahead.map((s) => toCommit(s, commitOf(repo, s), url)),
      files: [],
    };
    return ok(out);
  }),
];
