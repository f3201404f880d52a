/**
 * RepositoryPort over one installation's Octokit, assembled from its parts: reads
 * (`read-repository-content.ts`), git objects and refs (`git-objects-and-refs.ts`), pull requests
 * and comments (`pull-requests-once.ts`) and check runs (`create-check-run.ts`). Every call is
 * wrapped (`guard-port-calls.ts`) so failures leave as SteeringErrors and "absent" answers the
 * callers expect become null. Comments and check runs are written exactly once (look before
 * writing again, `look-before-retry.ts`); a pull request GitHub refuses with "head invalid" right
 * after its branch was created is retried.
 */
import type { Logger } from '../log.js';
import type { SteeringOctokit } from './build-octokit.js';
import { realClock } from './clock.js';
import { createCheckRunWriter } from './create-check-run.js';
import { branchesAndRefs, objectWrites } from './git-objects-and-refs.js';
import { guard, type Guard, type Translate } from './guard-port-calls.js';
import type { RetryPolicy } from './look-before-retry.js';
import type { RepositoryPort } from './port.js';
import { pullRequests } from './pull-requests-once.js';
import { contentReads } from './read-repository-content.js';

export type { Translate } from './guard-port-calls.js';

/** Check runs (or, where the credentials cannot write them, commit statuses). */
function checkRuns(
  octokit: SteeringOctokit,
  policy: RetryPolicy,
  g: Guard,
  logger: Logger | undefined,
): Pick<RepositoryPort, 'createCheckRun' | 'updateCheckRun'> {
  const writer = createCheckRunWriter(octokit, policy, logger);
  return {
    createCheckRun: (owner, repo, input) =>
      g.call(`create check run ${owner}/${repo}@${input.headSha}`, () =>
        writer.create(owner, repo, input),
      ),
    updateCheckRun: (owner, repo, checkRunId, input) =>
      g.call(`update check run ${owner}/${repo}/${checkRunId}`, () =>
        writer.update(owner, repo, checkRunId, input),
      ),
  };
}

export function createRepositoryPort(
  octokit: SteeringOctokit,
  translate: Translate,
  options: { policy?: RetryPolicy; logger?: Logger } = {},
): RepositoryPort {
  const policy: RetryPolicy = options.policy ?? { clock: realClock, retries: 3, baseDelayMs: 1000 };
  const g = guard(translate);
  return {
    ...contentReads(octokit, translate, g),
    ...objectWrites(octokit, g),
    ...branchesAndRefs(octokit, g),
    ...pullRequests(octokit, policy, g),
    ...checkRuns(octokit, policy, g, options.logger),
  };
}
