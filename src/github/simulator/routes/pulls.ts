/**
 * Pull requests: list (head/base/state filters, paginated), create (one open PR per head; GitHub
 * needs a moment after a branch is created before it accepts it as a head: within
 * `behaviour.headInvalidWindowMs` of the ref's creation the first attempt answers 422 "head
 * invalid"), get (mergeability computed asynchronously), update, merge (merge commit, optional
 * delete of the head branch).
 */
import { restBase } from '../bases.js';
import { ancestors } from '../git-objects.js';
import { emitPull, emitPush } from '../emit-events.js';
import { findPull, findRepo, repoUrl, requirePermission } from '../find-repo.js';
import {
  SimHttpError,
  iso,
  ok,
  paginate,
  requireString,
  route,
  unprocessable,
  type Route,
} from '../http-kit.js';
import { mergePull, refreshMergeable } from '../merge-pull.js';
import { nextId, type SimPull } from '../state.js';
import { noreplyEmail, toPull } from '../to-json.js';

const headInvalid = () =>
  unprocessable('Validation Failed', [{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);

export const pullRoutes: Route[] = [
  route('GET', '/repos/{owner}/{repo}/pulls', (ctx) => {
    const repo = findRepo(ctx);
    const state = ctx.query.get('state') ?? 'open';
    const head = ctx.query.get('head');
    const base = ctx.query.get('base');
    const list = repo.pulls.filter(
      (p) =>
        (state === 'all' || p.state === state) &&
        (!head || `${repo.owner}:${p.head}`.toLowerCase() === head.toLowerCase()) &&
        (!base || p.base === base),
    );
    const { page, headers } = paginate(ctx, list.reverse());
    return { status: 200, headers, body: page.map((p) => toPull(repo, p, ctx.baseUrl)) };
  }),

  route('POST', '/repos/{owner}/{repo}/pulls', (ctx) => {
    const repo = findRepo(ctx);
    requirePermission(ctx, 'pull_requests', 'write');
    const title = requireString(ctx.body, 'title');
    const head = requireString(ctx.body, 'head').replace(/^[^:]+:/, '');
    const base = requireString(ctx.body, 'base');
    const headSha = repo.refs.get(`heads/${head}`);
    const baseSha = repo.refs.get(`heads/${base}`);
    if (!headSha) throw headInvalid();
    if (!baseSha)
      throw unprocessable('Validation Failed', [
        { resource: 'PullRequest', field: 'base', code: 'invalid' },
      ]);
    const createdAt = repo.refTimes.get(`heads/${head}`);
    const key = `${head}@${headSha}`;
    if (
      createdAt !== undefined &&
      ctx.clock.now() - createdAt < ctx.behaviour.headInvalidWindowMs &&
      !repo.headInvalidSeen.has(key)
    ) {
      repo.headInvalidSeen.add(key);
      throw headInvalid();
    }
    if (repo.pulls.some((p) => p.state === 'open' && p.head === head && p.base === base)) {
      throw unprocessable('Validation Failed', [
        {
          resource: 'PullRequest',
          code: 'custom',
          message: `A pull request already exists for ${repo.owner}:${head}.`,
        },
      ]);
    }
    // No commits between: the head is the base or one of its ancestors.
    if (ancestors(repo.objects, baseSha).includes(headSha)) {
      throw unprocessable('Validation Failed', [
        {
          resource: 'PullRequest',
          code: 'custom',
          message: `No commits between ${base} and ${head}`,
        },
      ]);
    }
    const now = iso(ctx.clock.now());
    const pull: SimPull = {
      id: nextId(ctx.state),
      number: repo.nextNumber++,
      state: 'open',
      merged: false,
      mergedAt: null,
      title,
      body: typeof ctx.body.body === 'string' ? ctx.body.body : '',
      head,
      base,
      headSha: null,
      lastHeadSha: headSha,
      closedAt: null,
      mergeCommitSha: null,
      mergedBy: null,
      mergeable: null,
      mergeableAt: ctx.clock.now() + ctx.behaviour.mergeabilityDelayMs,
      commits: 1,
      draft: Boolean(ctx.body.draft),
      user: ctx.identity.login,
      labels: [],
      createdAt: now,
      updatedAt: now,
    };
    repo.pulls.push(pull);
    emitPull(ctx.events, repo, pull, 'opened', ctx.identity.login);
    return {
      status: 201,
      body: toPull(repo, pull, ctx.baseUrl),
      headers: { location: `${repoUrl(ctx, repo)}/pulls/${pull.number}` },
    };
  }),

  route('GET', '/repos/{owner}/{repo}/pulls/{number}', (ctx) => {
    const repo = findRepo(ctx);
    const pull = findPull(ctx, repo);
    refreshMergeable(repo, pull, ctx.clock.now());
    return ok(toPull(repo, pull, ctx.baseUrl));
  }),

  route('PATCH', '/repos/{owner}/{repo}/pulls/{number}', (ctx) => {
    const repo = findRepo(ctx);
    requirePermission(ctx, 'pull_requests', 'write');
    const pull = findPull(ctx, repo);
    const { title, body, state } = ctx.body ?? {};
    if (state !== undefined && state !== 'open' && state !== 'closed') {
      throw unprocessable('Validation Failed', [
        { resource: 'PullRequest', field: 'state', code: 'invalid' },
      ]);
    }
    if (state === 'open' && pull.merged)
      throw unprocessable('Validation Failed', [
        { resource: 'PullRequest', field: 'state', code: 'invalid' },
      ]);
    const changes: Record<string, { from: string }> = {};
    if (typeof title === 'string' && title !== pull.title) {
      changes.title = { from: pull.title };
      pull.title = title;
    }
    if (typeof body === 'string' && body !== pull.body) {
      changes.body = { from: pull.body };
      pull.body = body;
    }
    const now = iso(ctx.clock.now());
    if (state === 'closed' && pull.state === 'open') {
      pull.headSha = repo.refs.get(`heads/${pull.head}`) ?? pull.headSha;
      pull.closedAt = now;
    }
    if (state === 'open') {
      pull.headSha = null;
      pull.closedAt = null;
    }
    const action =
      state && state !== pull.state ? (state === 'closed' ? 'closed' : 'reopened') : 'edited';
    if (state) pull.state = state;
    pull.updatedAt = now;
    if (action !== 'edited' || Object.keys(changes).length)
      emitPull(
        ctx.events,
        repo,
        pull,
        action,
        ctx.identity.login,
        action === 'edited' ? { changes } : {},
      );
    return ok(toPull(repo, pull, ctx.baseUrl));
  }),

  route('PUT', '/repos/{owner}/{repo}/pulls/{number}/merge', (ctx) => {
    const repo = findRepo(ctx);
    requirePermission(ctx, 'contents', 'write');
    const pull = findPull(ctx, repo);
    if (pull.state !== 'open') throw new SimHttpError(405, 'Pull Request is not mergeable');
    const now = iso(ctx.clock.now());
    const login = ctx.identity.login;
    const before = repo.refs.get(`heads/${pull.base}`);
    const sha = mergePull(
      repo,
      pull,
      { name: login, email: noreplyEmail(login), date: now, login },
      now,
    );
    emitPull(ctx.events, repo, pull, 'closed', login);
    emitPush(ctx.events, repo, `heads/${pull.base}`, before, sha, login);
    if (repo.deleteBranchOnMerge) {
      const head = repo.refs.get(`heads/${pull.head}`);
      repo.refs.delete(`heads/${pull.head}`);
      emitPush(ctx.events, repo, `heads/${pull.head}`, head, undefined, login);
    }
    const base = restBase('PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge', ctx.baseUrl);
    return ok({ ...base, sha, merged: true, message: 'Pull Request successfully merged' });
  }),
];
