/**
 * `reconcileRollouts`: makes the queue hold every target PostgreSQL says is due (queued, in a
 * released wave of a running rollout). Run at worker start and periodically; after Redis lost its
 * data it re-creates the lost jobs. Job ids make it idempotent, and `distributeToRepository` finds
 * any branch or pull request an interrupted job already made, so nothing is duplicated.
 * Rollouts whose waves all finished are advanced (completed) on the way.
 */
import { listDueTargets, listRollouts, type Db } from '../store/index.js';
import { advanceRollout } from './advance-rollout.js';
import { distributeJobId, enqueueTargets, type DistributeQueue } from './distribute-queue.js';

export async function reconcileRollouts(db: Db, queue: DistributeQueue): Promise<number> {
  const running = (await listRollouts(db, { limit: 1000 })).filter((r) => r.state === 'running');
  for (const r of running) if (r.counts.queued === 0) await advanceRollout(db, r.id);
  const due = await listDueTargets(db);
  // Jobs that finished (or failed) but whose target is still queued would block a re-add with the
  // same id: drop them first. Waiting, delayed and active jobs are left alone.
  for (const t of due) {
    const job = await queue.getJob(distributeJobId(t.rolloutId, t.repositoryId));
    if (job && ((await job.isCompleted()) || (await job.isFailed()))) await job.remove();
  }
  await enqueueTargets(queue, due);
  return due.length;
}
