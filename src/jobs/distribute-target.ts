/**
 * The `distribute` processor: loads the target, its repository and its version from PostgreSQL,
 * runs `distributeToRepository` (with the repository's tree and blob caches) and records the
 * outcome. Permanent failures (404, permission, validation) fail the target at once and throw UnrecoverableJobError; transient ones
 * (5xx, timeouts, rate limits) are recorded and rethrown for a retry with backoff, and the last
 * attempt fails the target. A target that is no longer queued is skipped (duplicate delivery).
 */
import { repositoryOutlook } from '../compliance/index.js';
import { UnrecoverableJobError } from '../queue/index.js';
import { SteeringError, describeError } from '../errors.js';
import type { GitHubPort } from '../github/index.js';
import type { Logger } from '../log.js';
import {
  findPreviousPullRequest,
  finishTarget,
  getGuidelineVersion,
  getRepository,
  getRollout,
  recordTargetError,
  settleTarget,
  startTargetAttempt,
  type Db,
} from '../store/index.js';
import { advanceRollout } from './advance-rollout.js';
import { createDistributeCache } from './create-distribute-cache.js';
import type { DistributeJobData } from './distribute-queue.js';
import { distributeToRepository, type DistributeOutcome } from './distribute-to-repository.js';

export interface DistributeDeps {
  db: Db;
  github: GitHubPort;
  logger: Logger;
  /** Enqueue targets a finished target released (the next wave). */
  enqueue: (targets: DistributeJobData[]) => Promise<void>;
  /** The label of a new pull request (`Config.rollout.prLabel`). Default `steering`; empty: none. */
  prLabel?: string;
}

export interface AttemptInfo {
  /** 0-based attempt number. */
  attempt: number;
  maxAttempts: number;
}

export async function distributeTarget(
  deps: DistributeDeps,
  data: DistributeJobData,
  attempt: AttemptInfo,
): Promise<DistributeOutcome | { state: 'skipped' }> {
  const { db } = deps;
  const { rolloutId, repositoryId } = data;
  const log = deps.logger.child({ rolloutId, repositoryId });
  const target = await startTargetAttempt(db, rolloutId, repositoryId);
  if (!target) return { state: 'skipped' };
  const finish = async (outcome: Parameters<typeof finishTarget>[3]) => {
    await finishTarget(db, rolloutId, repositoryId, outcome);
    await deps.enqueue(await advanceRollout(db, rolloutId));
  };

  try {
    const rollout = await getRollout(db, rolloutId);
    const repo = await getRepository(db, repositoryId);
    const version = rollout && (await getGuidelineVersion(db, rollout.guideline, rollout.version));
    if (!rollout || !repo || !version)
      throw new SteeringError('NOT_FOUND', 'rollout, repository or version missing');
    if (repo.deletedAt) throw new SteeringError('GITHUB_NOT_FOUND', `${repo.fullName} was deleted`);
    const previous = await findPreviousPullRequest(db, repositoryId, rollout.guideline, rolloutId);
    const outcome = await distributeToRepository(
      deps.github.forInstallation(repo.installationId ?? 0),
      {
        owner: repo.owner,
        repo: repo.name,
        defaultBranch: repo.defaultBranch,
        version: {
          ...version,
          ruleCount: version.rules.length,
          outlook: await repositoryOutlook(db, repositoryId, version.guideline, version.version),
        },
        // A pull request known merged or closed (webhook or an earlier run) is not asked about again.
        previous:
          previous?.prNumber && ['opened', 'updated', 'blocked'].includes(previous.state)
            ? { prNumber: previous.prNumber, branchSha: previous.branchSha }
            : null,
        ...(deps.prLabel === undefined ? {} : { label: deps.prLabel }),
        cache: createDistributeCache(db, repositoryId),
      },
    );
    if (previous && outcome.previousSettled) {
      await settleTarget(db, previous.rolloutId, repositoryId, outcome.previousSettled);
    }
    await finish(
      outcome.state === 'blocked'
        ? { state: 'blocked', prNumber: outcome.prNumber, lastError: outcome.reason }
        : outcome.state === 'up-to-date'
          ? { state: 'up-to-date' }
          : { state: outcome.state, prNumber: outcome.prNumber, branchSha: outcome.branchSha },
    );
    log.info({ repo: repo.fullName, state: outcome.state }, 'distributed');
    return outcome;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const { retry } = describeError(err);
    if (retry && attempt.attempt + 1 < attempt.maxAttempts) {
      await recordTargetError(db, rolloutId, repositoryId, message);
      log.warn({ err, attempt: attempt.attempt }, 'distribute failed, will retry');
      throw err;
    }
    await finish({ state: 'failed', lastError: message });
    log.warn({ err }, 'distribute failed permanently');
    throw new UnrecoverableJobError(message);
  }
}
