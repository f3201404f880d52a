/**
 * Check runs through one installation's Octokit, written exactly once: the create and each
 * follow-up batch of annotations go out with plugin-retry off, and after a failure that may have
 * been applied steering looks (the commit's check runs, the run's annotation count) before
 * writing again. Credentials that cannot write check runs (a personal token: "You must
 * authenticate via a GitHub App"; an installation without `checks: write`: "Resource not
 * accessible by integration") get a commit status instead, with the same conclusion; the
 * create then returns 0, and updates of run 0 are ignored.
 */
import type { Logger } from '../log.js';
import type { SteeringOctokit } from './build-octokit.js';
import { NO_RETRY, lookBeforeRetry, type RetryPolicy } from './look-before-retry.js';
import { checkRunBodies } from './map-github.js';
import type { CheckConclusion, CheckRunInput } from './port.js';
import { isHttpError, isRateLimited } from './rate-limit-delay.js';

interface RunBody {
  id: number;
  name: string;
  external_id: string | null;
  output: { title: string | null; summary: string | null; annotations_count: number };
}

const STATUS_STATE: Record<CheckConclusion, 'success' | 'failure' | 'error'> = {
  success: 'success',
  neutral: 'success',
  skipped: 'success',
  failure: 'failure',
  action_required: 'failure',
  cancelled: 'error',
  timed_out: 'error',
};

type Body = Record<string, unknown>;

/** How many annotations a request body carries (GitHub takes at most 50 a request). */
const annotationsIn = (body: Body | undefined): number =>
  ((body?.output as { annotations?: unknown[] } | undefined)?.annotations ?? []).length;

const patchRun = (octokit: SteeringOctokit, owner: string, repo: string, id: number, body: Body) =>
  octokit.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
    owner,
    repo,
    check_run_id: id,
    ...body,
    ...NO_RETRY,
  } as never);

async function annotationsOf(
  octokit: SteeringOctokit,
  owner: string,
  repo: string,
  id: number,
): Promise<number> {
  const { data } = await octokit.request('GET /repos/{owner}/{repo}/check-runs/{check_run_id}', {
    owner,
    repo,
    check_run_id: id,
  });
  return (data as unknown as RunBody).output.annotations_count;
}

/** The run a create request made, if it was applied: by external id when given, else by content. */
async function findCreatedRun(
  octokit: SteeringOctokit,
  owner: string,
  repo: string,
  input: CheckRunInput,
): Promise<number | null> {
  const { data } = await octokit.request('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', {
    owner,
    repo,
    ref: input.headSha,
    check_name: input.name,
    filter: 'all',
    per_page: 100,
  });
  const runs = (data as unknown as { check_runs: RunBody[] }).check_runs;
  const same = runs.find((r) =>
    input.externalId !== undefined
      ? r.external_id === input.externalId
      : r.output.title === (input.output?.title ?? null) &&
        r.output.summary === (input.output?.summary ?? null),
  );
  return same ? same.id : null;
}

async function postCheckRun(
  octokit: SteeringOctokit,
  owner: string,
  repo: string,
  body: Body | undefined,
): Promise<number> {
  const { data } = await octokit.request('POST /repos/{owner}/{repo}/check-runs', {
    owner,
    repo,
    ...body,
    ...NO_RETRY,
  } as never);
  return (data as { id: number }).id;
}

/** The commit status standing in for a check run; answers 0 (no run to update). */
async function setStatus(
  octokit: SteeringOctokit,
  owner: string,
  repo: string,
  input: CheckRunInput,
): Promise<number> {
  const conclusion = input.conclusion;
  const state = conclusion ? STATUS_STATE[conclusion] : 'pending';
  const title = input.output?.title ?? conclusion ?? input.status ?? 'queued';
  await octokit.request('POST /repos/{owner}/{repo}/statuses/{sha}', {
    owner,
    repo,
    sha: input.headSha,
    state,
    context: input.name,
    description: title.length > 140 ? `${title.slice(0, 139)}…` : title,
    ...(input.detailsUrl ? { target_url: input.detailsUrl } : {}),
  });
  return 0;
}

export function createCheckRunWriter(
  octokit: SteeringOctokit,
  policy: RetryPolicy,
  logger?: Logger,
) {
  let checksForbidden = false;

  /** Sends each body once; a batch of annotations counts as sent when the run holds them. */
  async function sendBodies(owner: string, repo: string, id: number, bodies: Body[], had: number) {
    let expected = had;
    for (const body of bodies) {
      const batch = annotationsIn(body);
      expected += batch;
      const target = expected;
      await lookBeforeRetry(
        policy,
        async () => void (await patchRun(octokit, owner, repo, id, body)),
        async () =>
          batch > 0 && (await annotationsOf(octokit, owner, repo, id)) >= target ? undefined : null,
      );
    }
  }

  return {
    async create(owner: string, repo: string, input: CheckRunInput): Promise<number> {
      if (checksForbidden) return setStatus(octokit, owner, repo, input);
      const [first, ...more] = checkRunBodies(input);
      let id: number;
      try {
        id = await lookBeforeRetry(
          policy,
          () => postCheckRun(octokit, owner, repo, first),
          () => findCreatedRun(octokit, owner, repo, input),
        );
      } catch (err) {
        if (!isHttpError(err) || err.status !== 403 || isRateLimited(err)) throw err;
        checksForbidden = true;
        logger?.warn(
          { owner, repo, reason: err.message },
          'these credentials cannot write check runs (a GitHub App installation with checks: write can); setting commit statuses instead',
        );
        return setStatus(octokit, owner, repo, input);
      }
      await sendBodies(owner, repo, id, more, annotationsIn(first));
      return id;
    },

    async update(
      owner: string,
      repo: string,
      id: number,
      input: Partial<CheckRunInput>,
    ): Promise<void> {
      if (id === 0) return;
      const bodies = checkRunBodies(input);
      const had = bodies.some((b) => annotationsIn(b) > 0)
        ? await annotationsOf(octokit, owner, repo, id)
        : 0;
      await sendBodies(owner, repo, id, bodies, had);
    },
  };
}
