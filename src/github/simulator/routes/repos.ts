/**
 * Repositories, branches, contents (files of 1 MB and more come back with `content: ""` and
 * `encoding: "none"`, as on GitHub: read them as blobs), commits (paginated) and compare.
 */
import { ancestors, flattenTree, listTree, type CommitObject } from '../git-objects.js';
import { restBase } from '../bases.js';
import { SimHttpError, notFound, ok, paginate, route, type Ctx, type Route } from '../http-kit.js';
import { findRepo, repoUrl, resolveCommit } from '../find-repo.js';
import { toCommit, toRepo } from '../to-json.js';
import type { SimRepo } from '../state.js';

function commitOf(repo: SimRepo, sha: string): CommitObject {
  const c = repo.objects.get(sha);
  if (c?.type !== 'commit') throw notFound();
  return c;
}

function contentEntry(
  ctx: Ctx,
  repo: SimRepo,
  ref: string,
  e: { path: string; sha: string; type: string; size?: number },
) {
  const url = repoUrl(ctx, repo);
  const html = `https://github.com/${repo.owner}/${repo.name}/${e.type === 'tree' ? 'tree' : 'blob'}/${ref}/${e.path}`;
  const self = `${url}/contents/${e.path}?ref=${ref}`;
  const git = `${url}/git/${e.type === 'tree' ? 'trees' : 'blobs'}/${e.sha}`;
  return {
    type: e.type === 'tree' ? 'dir' : 'file',
    size: e.type === 'tree' ? 0 : (e.size ?? 0),
    name: e.path.split('/').pop() ?? e.path,
    path: e.path,
    sha: e.sha,
    url: self,
    git_url: git,
    html_url: html,
    download_url:
      e.type === 'tree'
        ? null
        : `https://raw.githubusercontent.com/${repo.owner}/${repo.name}/${ref}/${e.path}`,
    _links: { self, git, html },
  };
}

export const repoRoutes: Route[] = [
  route('GET', '/repos/{owner}/{repo}', (ctx) => ok(toRepo(findRepo(ctx), ctx.baseUrl))),

  route('GET', '/repos/{owner}/{repo}/branches/{branch+}', (ctx) => {
    const repo = findRepo(ctx);
    const sha = repo.refs.get(`heads/${ctx.params.branch}`);
    if (!sha) throw new SimHttpError(404, 'Branch not found');
    const base = restBase('GET /repos/{owner}/{repo}/branches/{branch}', ctx.baseUrl);
    const url = `${repoUrl(ctx, repo)}/branches/${ctx.params.branch}`;
    return ok({
      ...base,
      name: ctx.params.branch,
      commit: toCommit(sha, commitOf(repo, sha), repoUrl(ctx, repo)),
      _links: {
        html: `https://github.com/${repo.owner}/${repo.name}/tree/${ctx.params.branch}`,
        self: url,
      },
      protected: false,
      protection: {
        enabled: false,
        required_status_checks: { enforcement_level: 'off', contexts: [], checks: [] },
      },
      protection_url: `${url}/protection`,
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
      const large = content.length >= ctx.behaviour.largeFileBytes;
      return ok({
        ...contentEntry(ctx, repo, ref, {
          path,
          sha: file.sha,
          type: 'blob',
          size: content.length,
        }),
        // GitHub: files of 1 MB up to 100 MB come back without content.
        encoding: large ? 'none' : 'base64',
        content: large ? '' : content.toString('base64'),
      });
    }
    const dir = listTree(repo.objects, root, true).filter(
      (e) => e.path.startsWith(`${path}/`) && !e.path.slice(path.length + 1).includes('/'),
    );
    if (!dir.length) throw notFound();
    return ok(dir.map((e) => contentEntry(ctx, repo, ref, e)));
  }),

  route('GET', '/repos/{owner}/{repo}/commits', (ctx) => {
    const repo = findRepo(ctx);
    const ref = ctx.query.get('sha') ?? repo.defaultBranch;
    const sha = resolveCommit(repo, ref);
    if (!sha) throw new SimHttpError(404, `No commit found for SHA: ${ref}`);
    const { page, headers } = paginate(ctx, ancestors(repo.objects, sha));
    return {
      status: 200,
      headers,
      body: page.map((s) => toCommit(s, commitOf(repo, s), repoUrl(ctx, repo))),
    };
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
    const mergeBase = ancestors(repo.objects, head).find((s) => fromBase.has(s)) ?? base;
    const status =
      ahead.length === 0 && behind.length === 0
        ? 'identical'
        : behind.length === 0
          ? 'ahead'
          : ahead.length === 0
            ? 'behind'
            : 'diverged';
    const url = repoUrl(ctx, repo);
    const html = `https://github.com/${repo.owner}/${repo.name}/compare/${ctx.params.basehead}`;
    return ok({
      ...restBase('GET /repos/{owner}/{repo}/compare/{basehead}', ctx.baseUrl),
      url: `${url}/compare/${ctx.params.basehead}`,
      html_url: html,
      permalink_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      status,
      ahead_by: ahead.length,
      behind_by: behind.length,
      total_commits: ahead.length,
      base_commit: toCommit(base, commitOf(repo, base), url),
      merge_base_commit: toCommit(mergeBase, commitOf(repo, mergeBase), url),
      commits: ahead.map((s) => toCommit(s, commitOf(repo, s), url)),
      files: [],
    });
  }),
];
