/** Issue labels and comments (pull requests are issues for these endpoints). */
import { restBase } from '../bases.js';
import { emitPull } from '../emit-events.js';
import { findPull, findRepo, repoUrl, requirePermission } from '../find-repo.js';
import {
  iso,
  ok,
  paginate,
  requireString,
  route,
  unprocessable,
  type Ctx,
  type Route,
} from '../http-kit.js';
import { nextId, type SimComment, type SimRepo } from '../state.js';
import { idOf, toAccount, toLabel } from '../to-json.js';

function commentBody(ctx: Ctx, repo: SimRepo, c: SimComment) {
  const base = restBase('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', ctx.baseUrl);
  const url = repoUrl(ctx, repo);
  return {
    ...base,
    id: c.id,
    node_id: Buffer.from(`IssueComment:${c.id}`).toString('base64'),
    url: `${url}/issues/comments/${c.id}`,
    html_url: `https://github.com/${repo.owner}/${repo.name}/pull/${c.issueNumber}#issuecomment-${c.id}`,
    body: c.body,
    user: toAccount(base.user ?? {}, c.user, idOf(c.user), ctx.baseUrl),
    created_at: c.createdAt,
    updated_at: c.createdAt,
    issue_url: `${url}/issues/${c.issueNumber}`,
    author_association: 'NONE',
    pin: null,
    minimized: null,
  };
}

export const issueRoutes: Route[] = [
  route('POST', '/repos/{owner}/{repo}/issues/{number}/labels', (ctx) => {
    const repo = findRepo(ctx);
    requirePermission(ctx, 'pull_requests', 'write');
    const pull = findPull(ctx, repo);
    const labels: unknown = Array.isArray(ctx.body) ? ctx.body : ctx.body?.labels;
    if (!Array.isArray(labels) || labels.some((l) => typeof l !== 'string')) {
      throw unprocessable('Invalid request.', [
        { resource: 'Label', field: 'labels', code: 'invalid' },
      ]);
    }
    for (const l of labels as string[]) {
      if (pull.labels.includes(l)) continue;
      pull.labels.push(l);
      emitPull(ctx.events, repo, pull, 'labeled', ctx.identity.login, { label: l });
    }
    return ok(pull.labels.map((name) => toLabel(name, ctx.baseUrl, repo)));
  }),

  route('GET', '/repos/{owner}/{repo}/issues/{number}/comments', (ctx) => {
    const repo = findRepo(ctx);
    findPull(ctx, repo);
    const all = repo.comments.filter((c) => c.issueNumber === Number(ctx.params.number));
    const { page, headers } = paginate(ctx, all);
    return { status: 200, headers, body: page.map((c) => commentBody(ctx, repo, c)) };
  }),

  route('POST', '/repos/{owner}/{repo}/issues/{number}/comments', (ctx) => {
    const repo = findRepo(ctx);
    requirePermission(ctx, 'pull_requests', 'write');
    const pull = findPull(ctx, repo);
    const body = requireString(ctx.body, 'body');
    if (body.length > 65536)
      throw unprocessable('Validation Failed', [
        {
          resource: 'IssueComment',
          field: 'body',
          code: 'custom',
          message: 'body is too long (maximum is 65536 characters)',
        },
      ]);
    const comment: SimComment = {
      id: nextId(ctx.state),
      issueNumber: pull.number,
      body,
      user: ctx.identity.login,
      createdAt: iso(ctx.clock.now()),
    };
    repo.comments.push(comment);
    const out = commentBody(ctx, repo, comment);
    return { status: 201, body: out, headers: { location: out.url } };
  }),
];
