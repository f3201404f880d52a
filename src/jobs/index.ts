/**
 * The jobs room: the `distribute` queue and worker, rollout creation on publish, wave promotion
 * and reconciliation of the queue with PostgreSQL.
 */
export {
  DISTRIBUTE_ATTEMPTS,
  DISTRIBUTE_QUEUE,
  createDistributeQueue,
  distributeJobId,
  enqueueTargets,
  type DistributeJobData,
  type DistributeQueue,
} from './distribute-queue.js';
export { advanceRollout } from './advance-rollout.js';
export {
  createRollout,
  createRolloutForPublished,
  createRolloutHook,
  enqueueRollout,
} from './create-rollout.js';
export { distributeTarget, type DistributeDeps } from './distribute-target.js';
export {
  distributeToRepository,
  type DistributeInput,
  type DistributeOutcome,
} from './distribute-to-repository.js';
export { createDistributeCache, type DistributeCache } from './create-distribute-cache.js';
export { buildSteeringFiles, gitBlobSha, mergeLock, LOCK_PATH } from './build-steering-files.js';
export { pullRequestBody, pullRequestTitle } from './render-pull-request.js';
export { promoteRollout } from './promote-rollout.js';
export { reconcileRollouts } from './reconcile-rollouts.js';
export {
  retryDelayMs,
  startDistributeWorker,
  type DistributeWorkerOptions,
} from './start-distribute-worker.js';
export { planDistribution, type PlanRow } from './plan-distribution.js';
export { openRolloutRuntime, type RolloutRuntime } from './open-rollout-runtime.js';
export { formatProgress } from './format-progress.js';
export { deletePrefixKeys } from './delete-prefix-keys.js';
export {
  reconcileOpenPullRequests,
  redeliverFailedWebhooks,
  unacknowledgedEvents,
  type OpenPullRequestsResult,
  type RedeliverResult,
} from './recover-missed-webhooks.js';
