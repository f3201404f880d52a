/** `promoteRollout`: release every remaining wave now (after a canary wave with failures, too). */
import { SteeringError } from '../errors.js';
import { getRollout, type Db } from '../store/index.js';
import { advanceRollout } from './advance-rollout.js';
import { enqueueTargets, type DistributeQueue } from './distribute-queue.js';

export async function promoteRollout(
  db: Db,
  queue: DistributeQueue,
  rolloutId: number,
): Promise<number> {
  const rollout = await getRollout(db, rolloutId);
  if (!rollout) throw new SteeringError('NOT_FOUND', `no rollout ${rolloutId}`);
  const due = await advanceRollout(db, rolloutId, { promote: true });
  await enqueueTargets(queue, due);
  return due.length;
}
