/**
 * Check runs (GitHub Apps only: a personal token gets 403, an installation without `checks: write`
 * gets "Resource not accessible by integration") with GitHub's input validation: a known status
 * and conclusion, `completed` needs a conclusion, `output` needs title and summary, at most 65535
 * characters of summary and text, at most 50 annotations per request, each complete. Commit
 * statuses (the fallback for credentials without checks) live here too.
 */
import { restBase } from '../bases.js';
import { emitCheckRun, suiteOf } from '../emit-events.js';
import { findRepo, repoUrl, requirePermission, resolveCommit } from '../find-repo.js';
import {
  iso,
  notFound,
  ok,
  paginate,
  requireString,
  route,
  unprocessable,
  type Ctx,
  type Route,
} from '../http-kit.js';
import { nextId, type SimCheckRun } from '../state.js';
import { idOf, toAccount, toCheckRun } from '../to-json.js';

const STATUSES = ['queued', 'in_progress', 'completed', 'waiting', 'requested', 'pending'];
const CONCLUSIONS = [
  'action_required',
  'cancelled',
  'failure',
  'neutral',
  'success',
  'skipped',
  'stale',
  'timed_out',
];
const LEVELS = ['notice', 'warning', 'failure'];
const MAX_TEXT = 65535;

const invalid = (detail: string) => unprocessable(`Invalid request.\n\n${detail}`);

function validate(b: Record<string, unknown>, creating: boolean): void {
  if (b.status !== undefined && !(typeof b.status === 'string' && STATUSES.includes(b.status)))
    throw invalid(`${JSON.stringify(b.status)} is not a member of ${JSON.stringify(STATUSES)}.`);
  if (
    b.conclusion !== undefined &&
    !(typeof b.conclusion === 'string' && CONCLUSIONS.includes(b.conclusion))
  )
    throw invalid(
      `${JSON.stringify(b.conclusion)} is not a member of ${JSON.stringify(CONCLUSIONS)}.`,
    );
  if ((b.status === 'completed' || b.completed_at !== undefined) && b.conclusion === undefined)
    throw invalid(`No subschema in "anyOf" matched.\n"conclusion" wasn't supplied.`);
  if (
    creating &&
    b.details_url !== undefined &&
    !(typeof b.details_url === 'string' && /^https?:\/\//.test(b.details_url))
  )
    throw invalid(`"details_url" must be a URL.`);
  const output = b.output as Record<string, unknown> | undefined;
  if (output === undefined) return;
  if (typeof output !== 'object' || output === null) throw invalid('"output" must be an object.');
  for (const field of ['title', 'summary'])
    if (typeof output[field] !== 'string') throw invalid(`"${field}" wasn't supplied.`);
  for (const field of ['summary', 'text']) {
    const v = output[field];
    if (typeof v === 'string' && v.length > MAX_TEXT)
      throw invalid(`Only ${MAX_TEXT} characters are allowed; ${v.length} were supplied.`);
  }
  const annotations = output.annotations;
  if (annotations === undefined) return;
  if (!Array.isArray(annotations)) throw invalid('"annotations" must be an array.');
  if (annotations.length > 50)
    throw unprocessable('Invalid request.', [
      {
        resource: 'CheckRun',
        field: 'annotations',
        code: 'invalid',
        message: 'Only 50 annotations are allowed per request',
      },
    ]);
  for (const a of annotations as Record<string, unknown>[]) {
    for (const f of ['path', 'start_line', 'end_line', 'annotation_level', 'message'])
      if (a?.[f] === undefined) throw invalid(`"${f}" wasn't supplied.`);
    if (!LEVELS.includes(String(a.annotation_level)))
      throw invalid(
        `${JSON.stringify(a.annotation_level)} is not a member of ${JSON.stringify(LEVELS)}.`,
      );
    if (Number(a.end_line) < Number(a.start_line))
      throw invalid('"end_line" must be greater than or equal to "start_line".');
  }
}

function applyInput(ctx: Ctx, run: SimCheckRun): void {
  const b = ctx.body ?? {};
  if (typeof b.status === 'string') run.status = b.status;
  if (typeof b.conclusion === 'string') {
    run.conclusion = b.conclusion;
    run.status = 'completed';
  }
  if (run.status === 'completed' && !run.completedAt) run.completedAt = iso(ctx.clock.now());
  if (typeof b.name === 'string' && b.name) run.name = b.name;
  if (typeof b.external_id === 'string') run.externalId = b.external_id;
  if (typeof b.details_url === 'string') run.detailsUrl = b.details_url;
  if (b.output) {
    run.output = {
      title: b.output.title ?? run.output.title,
      summary: b.output.summary ?? run.output.summary,
      text: b.output.text ?? run.output.text,
    };
    run.annotations.push(...((b.output.annotations as unknown[] | undefined) ?? []));
  }
}

const body = (ctx: Ctx, repo: ReturnType<typeof findRepo>, run: SimCheckRun) =>
  toCheckRun(repo, run, ctx.baseUrl, ctx.state.app?.slug ?? 'steering', ctx.state.app?.id ?? 1);

export const checkRoutes: Route[] = [
  route('POST', '/repos/{owner}/{repo}/check-runs', (ctx) => {
    const repo = findRepo(ctx);
    requirePermission(ctx, 'checks', 'write', true);
    const name = requireString(ctx.body, 'name');
    const headSha = requireString(ctx.body, 'head_sha');
    validate(ctx.body, true);
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
      suiteId: suiteOf(repo, headSha),
    };
    applyInput(ctx, run);
    repo.checkRuns.push(run);
    emitCheckRun(ctx.events, repo, run, 'created', ctx.identity.login);
    if (run.status === 'completed')
      emitCheckRun(ctx.events, repo, run, 'completed', ctx.identity.login);
    return {
      status: 201,
      body: body(ctx, repo, run),
      headers: { location: `${repoUrl(ctx, repo)}/check-runs/${run.id}` },
    };
  }),

  route('PATCH', '/repos/{owner}/{repo}/check-runs/{id}', (ctx) => {
    const repo = findRepo(ctx);
    requirePermission(ctx, 'checks', 'write', true);
    const run = repo.checkRuns.find((r) => r.id === Number(ctx.params.id));
    if (!run) throw notFound();
    validate(ctx.body ?? {}, false);
    const wasCompleted = run.status === 'completed';
    applyInput(ctx, run);
    if (!wasCompleted && run.status === 'completed')
      emitCheckRun(ctx.events, repo, run, 'completed', ctx.identity.login);
    return ok(body(ctx, repo, run));
  }),

  route('GET', '/repos/{owner}/{repo}/check-runs/{id}', (ctx) => {
    const repo = findRepo(ctx);
    requirePermission(ctx, 'checks', 'read');
    const run = repo.checkRuns.find((r) => r.id === Number(ctx.params.id));
    if (!run) throw notFound();
    return ok(body(ctx, repo, run));
  }),

  route('GET', '/repos/{owner}/{repo}/commits/{ref+}/check-runs', (ctx) => {
    const repo = findRepo(ctx);
    requirePermission(ctx, 'checks', 'read');
    const sha = resolveCommit(repo, ctx.params.ref ?? '');
    if (!sha) throw unprocessable(`No commit found for SHA: ${ctx.params.ref}`);
    const name = ctx.query.get('check_name');
    const runs = repo.checkRuns
      .filter((r) => r.headSha === sha && (!name || r.name === name))
      .reverse();
    const latest =
      ctx.query.get('filter') === 'all'
        ? runs
        : runs.filter((r, i) => runs.findIndex((x) => x.name === r.name) === i);
    const { page, headers } = paginate(ctx, latest);
    return {
      status: 200,
      headers,
      body: { total_count: latest.length, check_runs: page.map((r) => body(ctx, repo, r)) },
    };
  }),

  route('POST', '/repos/{owner}/{repo}/statuses/{sha}', (ctx) => {
    const repo = findRepo(ctx);
    requirePermission(ctx, 'statuses', 'write');
    const sha = ctx.params.sha ?? '';
    if (repo.objects.get(sha)?.type !== 'commit')
      throw unprocessable(`No commit found for SHA: ${sha}`);
    const state = requireString(ctx.body, 'state');
    if (!['error', 'failure', 'pending', 'success'].includes(state))
      throw unprocessable('Validation Failed', [
        {
          resource: 'Status',
          field: 'state',
          code: 'custom',
          message: `state is not included in the list`,
        },
      ]);
    const description = typeof ctx.body.description === 'string' ? ctx.body.description : null;
    if (description && description.length > 140)
      throw unprocessable('Validation Failed', [
        {
          resource: 'Status',
          field: 'description',
          code: 'custom',
          message: 'description is too long (maximum is 140 characters)',
        },
      ]);
    const status = {
      id: nextId(ctx.state),
      sha,
      state,
      context: typeof ctx.body.context === 'string' ? ctx.body.context : 'default',
      description,
      targetUrl: typeof ctx.body.target_url === 'string' ? ctx.body.target_url : null,
      createdAt: iso(ctx.clock.now()),
    };
    repo.statuses.push(status);
    const base = restBase('POST /repos/{owner}/{repo}/statuses/{sha}', ctx.baseUrl);
    return {
      status: 201,
      headers: { location: `${repoUrl(ctx, repo)}/statuses/${sha}` },
      body: {
        ...base,
        url: `${repoUrl(ctx, repo)}/statuses/${sha}`,
        id: status.id,
        node_id: Buffer.from(`StatusContext:${status.id}`).toString('base64'),
        state,
        description,
        target_url: status.targetUrl,
        context: status.context,
        created_at: status.createdAt,
        updated_at: status.createdAt,
        creator: toAccount(
          base.creator ?? {},
          ctx.identity.login,
          idOf(ctx.identity.login),
          ctx.baseUrl,
        ),
      },
    };
  }),
];
