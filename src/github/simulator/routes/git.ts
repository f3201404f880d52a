/** The git data API: refs, trees (recursive reads, inline-content writes, base_tree), blobs, commits. */
import {
  ancestors,
  buildTree,
  flattenTree,
  listTree,
  writeBlob,
  writeCommit,
  type FlatEntry,
} from '../git-objects.js';
import {
  SimHttpError,
  iso,
  notFound,
  ok,
  requireString,
  route,
  unprocessable,
  type Ctx,
  type Route,
} from '../http-kit.js';
import { findRepo, repoUrl, resolveCommit } from '../find-repo.js';
import { emitPush } from '../emit-events.js';
import { onHeadMoved } from '../merge-pull.js';
import { noreplyEmail, toGitCommit } from '../to-json.js';
import type { SimRepo } from '../state.js';
import { checkRefName } from '../ref-names.js';

function refBody(ctx: Ctx, repo: SimRepo, ref: string, sha: string) {
  return {
    ref: `refs/${ref}`,
    node_id: Buffer.from(`Ref:${ref}`).toString('base64'),
    url: `${repoUrl(ctx, repo)}/git/refs/${ref}`,
    object: { type: 'commit', sha, url: `${repoUrl(ctx, repo)}/git/commits/${sha}` },
  };
}

/**
 * GitHub truncates a recursive listing past its limits (100,000 entries or 7 MB); the simulator
 * truncates past `ctx.behaviour.treeEntryLimit` entries.
 */
function treeBody(ctx: Ctx, repo: SimRepo, sha: string, recursive: boolean) {
  const url = repoUrl(ctx, repo);
  const all = listTree(repo.objects, sha, recursive);
  const limit = ctx.behaviour.treeEntryLimit;
  const tree = (all.length > limit ? all.slice(0, limit) : all).map((e) => ({
    ...e,
    url: `${url}/git/${e.type === 'tree' ? 'trees' : e.type === 'blob' ? 'blobs' : 'commits'}/${e.sha}`,
  }));
  return { sha, url: `${url}/git/trees/${sha}`, tree, truncated: all.length > limit };
}

const created = (ctx: Ctx, body: unknown, location: string) => ({
  status: 201,
  body,
  headers: { location },
});

function signature(ctx: Ctx, given: unknown) {
  const g = (given ?? {}) as { name?: string; email?: string; date?: string };
  const login = ctx.identity.login;
  return {
    name: g.name ?? login,
    email: g.email ?? noreplyEmail(login),
    date: g.date ?? iso(ctx.clock.now()),
    login,
  };
}

const refName = (ctx: Ctx): string => (ctx.params.ref ?? '').replace(/^refs\//, '');

export const gitRoutes: Route[] = [
  route('GET', '/repos/{owner}/{repo}/git/ref/{ref+}', (ctx) => {
    const repo = findRepo(ctx);
    const sha = repo.refs.get(refName(ctx));
    if (!sha) throw notFound();
    return ok(refBody(ctx, repo, refName(ctx), sha));
  }),

  route('POST', '/repos/{owner}/{repo}/git/refs', (ctx) => {
    const repo = findRepo(ctx);
    const full = requireString(ctx.body, 'ref');
    const sha = requireString(ctx.body, 'sha');
    if (!/^refs\/.+\/.+/.test(full))
      throw unprocessable('Reference name must start with refs/ and have at least two slashes.');
    const ref = full.slice('refs/'.length);
    const problem = checkRefName(
      full,
      [...repo.refs.keys()].map((k) => `refs/${k}`),
    );
    if (problem) throw unprocessable(problem);
    if (repo.refs.has(ref)) throw unprocessable('Reference already exists');
    if (repo.objects.get(sha)?.type !== 'commit') throw unprocessable('Object does not exist');
    repo.refs.set(ref, sha);
    repo.refTimes.set(ref, ctx.clock.now());
    emitPush(ctx.events, repo, ref, undefined, sha, ctx.identity.login);
    return created(ctx, refBody(ctx, repo, ref, sha), `${repoUrl(ctx, repo)}/git/refs/${ref}`);
  }),

  route('PATCH', '/repos/{owner}/{repo}/git/refs/{ref+}', (ctx) => {
    const repo = findRepo(ctx);
    const ref = refName(ctx);
    const sha = requireString(ctx.body, 'sha');
    const current = repo.refs.get(ref);
    if (!current) throw unprocessable('Reference does not exist');
    if (repo.objects.get(sha)?.type !== 'commit') throw unprocessable('Object does not exist');
    if (!ctx.body.force && !ancestors(repo.objects, sha).includes(current)) {
      throw unprocessable('Update is not a fast forward');
    }
    repo.refs.set(ref, sha);
    repo.refTimes.set(ref, ctx.clock.now());
    const forced = !ancestors(repo.objects, sha).includes(current);
    emitPush(ctx.events, repo, ref, current, sha, ctx.identity.login, forced);
    onHeadMoved(ctx, repo, ref, current, sha, ctx.identity.login);
    return ok(refBody(ctx, repo, ref, sha));
  }),

  route('DELETE', '/repos/{owner}/{repo}/git/refs/{ref+}', (ctx) => {
    const repo = findRepo(ctx);
    const before = repo.refs.get(refName(ctx));
    if (!repo.refs.delete(refName(ctx))) throw unprocessable('Reference does not exist');
    emitPush(ctx.events, repo, refName(ctx), before, undefined, ctx.identity.login);
    return { status: 204 };
  }),

  route('GET', '/repos/{owner}/{repo}/git/trees/{sha}', (ctx) => {
    const repo = findRepo(ctx);
    const id = ctx.params.sha ?? '';
    let sha = repo.objects.get(id)?.type === 'tree' ? id : undefined;
    const commit = sha ? undefined : resolveCommit(repo, id);
    if (commit) {
      const c = repo.objects.get(commit);
      if (c?.type === 'commit') sha = c.tree;
    }
    if (!sha) throw notFound();
    const recursive = ['1', 'true'].includes(ctx.query.get('recursive') ?? '');
    return ok(treeBody(ctx, repo, sha, recursive));
  }),

  route('POST', '/repos/{owner}/{repo}/git/trees', (ctx) => {
    const repo = findRepo(ctx);
    const items = ctx.body?.tree;
    if (!Array.isArray(items))
      throw unprocessable('Invalid tree info', [
        { resource: 'Tree', field: 'tree', code: 'missing_field' },
      ]);
    let files = new Map<string, FlatEntry>();
    if (ctx.body.base_tree) {
      if (repo.objects.get(ctx.body.base_tree)?.type !== 'tree')
        throw unprocessable('base_tree is not a valid tree oid');
      files = flattenTree(repo.objects, ctx.body.base_tree);
    }
    for (const item of items as {
      path?: string;
      mode?: string;
      sha?: string | null;
      content?: string;
    }[]) {
      if (!item.path)
        throw unprocessable('Invalid tree info', [
          { resource: 'Tree', field: 'path', code: 'missing_field' },
        ]);
      const mode = item.mode ?? '100644';
      if (typeof item.content === 'string') {
        files.set(item.path, {
          mode,
          sha: writeBlob(repo.objects, Buffer.from(item.content, 'utf8')),
        });
      } else if (item.sha === null) {
        files.delete(item.path);
      } else if (item.sha && repo.objects.get(item.sha)?.type === 'blob') {
        files.set(item.path, { mode, sha: item.sha });
      } else throw unprocessable('tree.sha is not a valid blob');
    }
    const sha = buildTree(repo.objects, files);
    return created(ctx, treeBody(ctx, repo, sha, false), `${repoUrl(ctx, repo)}/git/trees/${sha}`);
  }),

  route('GET', '/repos/{owner}/{repo}/git/blobs/{sha}', (ctx) => {
    const repo = findRepo(ctx);
    const blob = repo.objects.get(ctx.params.sha ?? '');
    if (blob?.type !== 'blob') throw notFound();
    const out = {
      sha: ctx.params.sha ?? '',
      node_id: Buffer.from(`Blob:${ctx.params.sha}`).toString('base64'),
      size: blob.content.length,
      url: `${repoUrl(ctx, repo)}/git/blobs/${ctx.params.sha}`,
      content: blob.content.toString('base64'),
      encoding: 'base64',
    };
    return ok(out);
  }),

  route('POST', '/repos/{owner}/{repo}/git/blobs', (ctx) => {
    const repo = findRepo(ctx);
    const content = requireString(ctx.body, 'content');
    const buf = Buffer.from(content, ctx.body.encoding === 'base64' ? 'base64' : 'utf8');
    const sha = writeBlob(repo.objects, buf);
    const url = `${repoUrl(ctx, repo)}/git/blobs/${sha}`;
    return created(ctx, { sha, url }, url);
  }),

  route('GET', '/repos/{owner}/{repo}/git/commits/{sha}', (ctx) => {
    const repo = findRepo(ctx);
    const c = repo.objects.get(ctx.params.sha ?? '');
    if (c?.type !== 'commit') throw notFound();
    return ok(toGitCommit(ctx.params.sha ?? '', c, repoUrl(ctx, repo)));
  }),

  route('POST', '/repos/{owner}/{repo}/git/commits', (ctx) => {
    const repo = findRepo(ctx);
    const message = requireString(ctx.body, 'message');
    const tree = requireString(ctx.body, 'tree');
    const parents: unknown = ctx.body.parents ?? [];
    if (repo.objects.get(tree)?.type !== 'tree') throw unprocessable('Tree SHA does not exist');
    if (
      !Array.isArray(parents) ||
      parents.some((p) => repo.objects.get(String(p))?.type !== 'commit')
    ) {
      throw unprocessable('Parent SHA does not exist or is not a commit object');
    }
    const author = signature(ctx, ctx.body.author);
    const committer = ctx.body.committer ? signature(ctx, ctx.body.committer) : author;
    const sha = writeCommit(repo.objects, {
      tree,
      parents: parents.map(String),
      message,
      author,
      committer,
    });
    const c = repo.objects.get(sha);
    if (c?.type !== 'commit') throw new SimHttpError(500, 'commit write failed');
    const url = `${repoUrl(ctx, repo)}/git/commits/${sha}`;
    return created(ctx, toGitCommit(sha, c, repoUrl(ctx, repo), 'POST'), url);
  }),
];
