/**
 * The repository port's pull requests, labels and comments. A pull request and a comment are
 * written exactly once (look before writing again, `look-before-retry.ts`); a pull request GitHub
 * refuses with "head invalid" right after its branch was created is retried.
 */
import type { SteeringOctokit } from './build-octokit.js';
import type { Guard } from './guard-port-calls.js';
import { NO_RETRY, isHeadInvalid, lookBeforeRetry, type RetryPolicy } from './look-before-retry.js';
import { toPullRequestInfo } from './map-github.js';
import type { PullRequestInfo, RepositoryPort } from './port.js';

/** The open pull request whose head is `owner:branch` (and whose base is `base`, when given). */
async function openPullRequest(
  octokit: SteeringOctokit,
  owner: string,
  repo: string,
  branch: string,
  filter: { base?: string; perPage?: number },
): Promise<PullRequestInfo | null> {
  const { data } = await octokit.rest.pulls.list({
    owner,
    repo,
    head: `${owner}:${branch}`,
    ...(filter.base === undefined ? {} : { base: filter.base }),
    state: 'open',
    ...(filter.perPage === undefined ? {} : { per_page: filter.perPage }),
  });
  const pull = data.find((p) => p.head.ref === branch);
  return pull ? toPullRequestInfo(pull) : null;
}

/**
 * Opened once: after a lost answer, the pull request it opened is looked up. While GitHub has not
 * yet seen a branch created a moment ago ("head invalid"), waits and tries again.
 */
async function openPullRequestOnce(
  octokit: SteeringOctokit,
  policy: RetryPolicy,
  owner: string,
  repo: string,
  input: Parameters<RepositoryPort['createPullRequest']>[2],
): Promise<PullRequestInfo> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await lookBeforeRetry(
        policy,
        async () =>
          toPullRequestInfo(
            (await octokit.rest.pulls.create({ owner, repo, ...input, ...NO_RETRY })).data,
          ),
        () => openPullRequest(octokit, owner, repo, input.head, { base: input.base }),
      );
    } catch (err) {
      if (!isHeadInvalid(err) || attempt > policy.retries) throw err;
      await policy.clock.sleep(attempt ** 2 * policy.baseDelayMs);
    }
  }
}

/** Written once: after a lost answer, the issue's comments are looked through for this body. */
function commentOnce(
  octokit: SteeringOctokit,
  policy: RetryPolicy,
  owner: string,
  repo: string,
  issueNumber: number,
  body: string,
): Promise<void> {
  const rest = octokit.rest;
  return lookBeforeRetry(
    policy,
    async () => {
      await rest.issues.createComment({
        owner,
        repo,
        issue_number: issueNumber,
        body,
        ...NO_RETRY,
      });
    },
    async () => {
      const comments = await octokit.paginate(rest.issues.listComments, {
        owner,
        repo,
        issue_number: issueNumber,
        per_page: 100,
      });
      return comments.some((c) => c.body === body) ? undefined : null;
    },
  );
}

/** Pull requests and what is said on them: labels and comments. */
export function pullRequests(
  octokit: SteeringOctokit,
  policy: RetryPolicy,
  g: Guard,
): Pick<
  RepositoryPort,
  | 'findOpenPullRequest'
  | 'getPullRequest'
  | 'createPullRequest'
  | 'updatePullRequest'
  | 'addLabels'
  | 'createIssueComment'
> {
  const rest = octokit.rest;
  return {
    findOpenPullRequest: (owner, repo, branch) =>
      g.call(`find pull request ${owner}/${repo}:${branch}`, () =>
        openPullRequest(octokit, owner, repo, branch, { perPage: 10 }),
      ),

    getPullRequest: (owner, repo, number) =>
      g.call(`get pull request ${owner}/${repo}#${number}`, async () =>
        toPullRequestInfo((await rest.pulls.get({ owner, repo, pull_number: number })).data),
      ),

    createPullRequest: (owner, repo, input) =>
      g.call(`create pull request ${owner}/${repo}:${input.head}`, () =>
        openPullRequestOnce(octokit, policy, owner, repo, input),
      ),

    updatePullRequest: (owner, repo, number, input) =>
      g.call(`update pull request ${owner}/${repo}#${number}`, async () =>
        toPullRequestInfo(
          (await rest.pulls.update({ owner, repo, pull_number: number, ...input })).data,
        ),
      ),

    addLabels: (owner, repo, issueNumber, labels) =>
      g.call(`add labels ${owner}/${repo}#${issueNumber}`, async () => {
        await rest.issues.addLabels({ owner, repo, issue_number: issueNumber, labels });
      }),

    createIssueComment: (owner, repo, issueNumber, body) =>
      g.call(`comment ${owner}/${repo}#${issueNumber}`, () =>
        commentOnce(octokit, policy, owner, repo, issueNumber, body),
      ),
  };
}
