/** Pull requests: list (head/base/state filters), create (one open PR per head), get, update, merge. */
import {
  SimHttpError,
  iso,
  ok,
  requireString,
  route,
  unprocessable,
  type Route,
} from '../http-kit.js';
import { findPull, findRepo } from '../find-repo.js';
import { emitPull, emitPush } from '../emit-events.js';
import { mergePull } from '../merge-pull.js';
import { nextId, type SimPull } from '../state.js';
import { toPull } from '../to-json.js';

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
    const perPage = Number(ctx.query.get('per_page') ?? 30);
    const page = Number(ctx.query.get('page') ?? 1);
    return ok(
      list.slice((page - 1) * perPage, page * perPage).map((p) => toPull(repo, p, ctx.baseUrl)),
    );
  }),

  route('POST', '/repos/{owner}/{repo}/pulls', (ctx) => {
    const repo = findRepo(ctx);
    const title = requireString(ctx.body, 'title');
    const head = requireString(ctx.body, 'head').replace(/^[^:]+:/, '');
    const base = requireString(ctx.body, 'base');
    const headSha = repo.refs.get(`heads/${head}`);
    const baseSha = repo.refs.get(`heads/${base}`);
    if (!headSha)
      throw unprocessable('Validation Failed', [
        { resource: 'PullRequest', field: 'head', code: 'invalid' },
      ]);
    if (!baseSha)
      throw unprocessable('Validation Failed', [
        { resource: 'PullRequest', field: 'base', code: 'invalid' },
      ]);
    if (repo.pulls.some((p) => p.state === 'open' && p.head === head && p.base === base)) {
      throw unprocessable('Validation Failed', [
        {
          resource: 'PullRequest',
          code: 'custom',
          message: `A pull request already exists for ${repo.owner}:${head}.`,
        },
      ]);
    }
    if (headSha === baseSha) {
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
      draft: Boolean(ctx.body.draft),
      user: ctx.identity.login,
      labels: [],
      createdAt: now,
      updatedAt: now,
    };
    repo.pulls.push(pull);
    emitPull(ctx.events, repo, pull, 'opened', ctx.identity.login);
    return ok(toPull(repo, pull, ctx.baseUrl), 201);
  }),

  route('GET', '/repos/{owner}/{repo}/pulls/{number}', (ctx) => {
    const repo = findRepo(ctx);
    return ok(toPull(repo, findPull(ctx, repo), ctx.baseUrl));
  }),

  route('PATCH', '/repos/{owner}/{repo}/pulls/{number}', (ctx) => {
    const repo = findRepo(ctx);
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
    if (typeof title === 'string') pull.title = title;
    if (typeof body === 'string') pull.body = body;
    if (state === 'closed' && pull.state === 'open')
      pull.headSha = repo.refs.get(`heads/${pull.head}`) ?? pull.headSha;
    if (state === 'open') pull.headSha = null;
    const action =
      state && state !== pull.state ? (state === 'closed' ? 'closed' : 'reopened') : 'edited';
    if (state) pull.state = state;
    pull.updatedAt = iso(ctx.clock.now());
    emitPull(ctx.events, repo, pull, action, ctx.identity.login);
    return ok(toPull(repo, pull, ctx.baseUrl));
  }),

  route('PUT', '/repos/{owner}/{repo}/pulls/{number}/merge', (ctx) => {
    const repo = findRepo(ctx);
    const pull = findPull(ctx, repo);
    if (pull.state !== 'open') throw new SimHttpError(405, 'Pull Request is not mergeable');
    const now = iso(ctx.clock.now());
    const login = ctx.identity.login;
    const before = repo.refs.get(`heads/${pull.base}`);
    const sha = mergePull(
      repo,
      pull,
      { name: login, email: `${login}@users.noreply.github.com`, date: now, login },
      now,
    );
    emitPull(ctx.events, repo, pull, 'closed', login);
    emitPush(ctx.events, repo, `heads/${pull.base}`, before, sha, login);
    return ok({ sha, merged: true, message: 'Pull Request successfully merged' });
  }),
];
