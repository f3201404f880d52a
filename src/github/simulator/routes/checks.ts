/** Check runs: create and update, at most 50 annotations per request as on GitHub. */
import {
  iso,
  notFound,
  ok,
  requireString,
  route,
  unprocessable,
  type Ctx,
  type Route,
} from '../http-kit.js';
import { findRepo } from '../find-repo.js';
import { nextId, type SimCheckRun } from '../state.js';
import { toCheckRun } from '../to-json.js';

function applyInput(ctx: Ctx, run: SimCheckRun): void {
  const b = ctx.body ?? {};
  if (typeof b.status === 'string') run.status = b.status;
  if (typeof b.conclusion === 'string') {
    run.conclusion = b.conclusion;
    run.status = 'completed';
  }
  if (run.status === 'completed' && !run.completedAt) run.completedAt = iso(ctx.clock.now());
  if (typeof b.external_id === 'string') run.externalId = b.external_id;
  if (typeof b.details_url === 'string') run.detailsUrl = b.details_url;
  if (b.output) {
    const annotations: unknown[] = Array.isArray(b.output.annotations) ? b.output.annotations : [];
    if (annotations.length > 50) {
      throw unprocessable('Invalid request.', [
        {
          resource: 'CheckRun',
          field: 'annotations',
          code: 'invalid',
          message: 'Only 50 annotations are allowed per request',
        },
      ]);
    }
    run.output = {
      title: b.output.title ?? run.output.title,
      summary: b.output.summary ?? run.output.summary,
      text: b.output.text ?? run.output.text,
    };
    run.annotations.push(...annotations);
  }
}

export const checkRoutes: Route[] = [
  route('POST', '/repos/{owner}/{repo}/check-runs', (ctx) => {
    const repo = findRepo(ctx);
    const name = requireString(ctx.body, 'name');
    const headSha = requireString(ctx.body, 'head_sha');
    if (repo.objects.get(headSha)?.type !== 'commit') {
      throw unprocessable('No commit found for SHA: ' + headSha);
    }
    const run: SimCheckRun = {
      id: nextId(ctx.state),
      name,
      headSha,
      status: 'queued',
      conclusion: null,
      externalId: null,
      detailsUrl: null,
      output: { title: null, summary: null, text: null },
      annotations: [],
      startedAt: iso(ctx.clock.now()),
      completedAt: null,
    };
    applyInput(ctx, run);
    repo.checkRuns.push(run);
    return ok(toCheckRun(run), 201);
  }),

  route('PATCH', '/repos/{owner}/{repo}/check-runs/{id}', (ctx) => {
    const repo = findRepo(ctx);
    const run = repo.checkRuns.find((r) => r.id === Number(ctx.params.id));
    if (!run) throw notFound();
    applyInput(ctx, run);
    return ok(toCheckRun(run));
  }),

  route('GET', '/repos/{owner}/{repo}/check-runs/{id}', (ctx) => {
    const repo = findRepo(ctx);
    const run = repo.checkRuns.find((r) => r.id === Number(ctx.params.id));
    if (!run) throw notFound();
    return ok(toCheckRun(run));
  }),
];
