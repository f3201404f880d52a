/** `promoteRollout`: release every remaining wave now (after a canary wave with failures, too). */
import { recordAudit } from '../compliance/index.js';
import { SteeringError } from '../errors.js';
import { getRollout, type Db } from '../store/index.js';
import { advanceRollout } from './advance-rollout.js';
import { enqueueTargets, type DistributeQueue } from './distribute-queue.js';

export async function promoteRollout(
  db: Db,
  queue: DistributeQueue,
  rolloutId: number,
  options: { actor?: string } = {},
): Promise<number> {
  const rollout = await getRollout(db, rolloutId);
  if (!rollout) throw new SteeringError('NOT_FOUND', `no rollout ${rolloutId}`);
  const due = await advanceRollout(db, rolloutId, { promote: true });
  await enqueueTargets(queue, due);
  await recordAudit(db, {
    actor: options.actor ?? 'cli',
    action: 'rollout.promote',
    subject: `${rollout.guideline}@${rollout.version}`,
    details: { rolloutId, enqueued: due.length },
  });
  return due.length;
}
