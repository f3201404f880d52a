/** Issue labels and comments (pull requests are issues for these endpoints). */
import { iso, ok, requireString, route, unprocessable, type Route } from '../http-kit.js';
import { findPull, findRepo } from '../find-repo.js';
import type { CommentBody } from '../to-json.js';
import { nextId } from '../state.js';

export const issueRoutes: Route[] = [
  route('POST', '/repos/{owner}/{repo}/issues/{number}/labels', (ctx) => {
    const repo = findRepo(ctx);
    const pull = findPull(ctx, repo);
    const labels: unknown = Array.isArray(ctx.body) ? ctx.body : ctx.body?.labels;
    if (!Array.isArray(labels) || labels.some((l) => typeof l !== 'string')) {
      throw unprocessable('Invalid request.', [
        { resource: 'Label', field: 'labels', code: 'invalid' },
      ]);
    }
    for (const l of labels as string[]) if (!pull.labels.includes(l)) pull.labels.push(l);
    return ok(pull.labels.map((name, i) => ({ id: i + 1, name, color: 'ededed', default: false })));
  }),

  route('GET', '/repos/{owner}/{repo}/issues/{number}/comments', (ctx) => {
    const repo = findRepo(ctx);
    findPull(ctx, repo);
    return ok(
      repo.comments
        .filter((c) => c.issueNumber === Number(ctx.params.number))
        .map((c): CommentBody => ({
          id: c.id,
          body: c.body,
          user: { login: c.user },
          created_at: c.createdAt,
        })),
    );
  }),

  route('POST', '/repos/{owner}/{repo}/issues/{number}/comments', (ctx) => {
    const repo = findRepo(ctx);
    const pull = findPull(ctx, repo);
    const body = requireString(ctx.body, 'body');
    const comment = {
      id: nextId(ctx.state),
      issueNumber: pull.number,
      body,
      user: ctx.identity.login,
      createdAt: iso(ctx.clock.now()),
    };
    repo.comments.push(comment);
    return ok(
      { id: comment.id, body, user: { login: comment.user }, created_at: comment.createdAt },
      201,
    );
  }),
];
