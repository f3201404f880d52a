/**
 * Wave progression, run after every finished target (and by promote / reconcile). Under the
 * rollout's row lock: when the current wave has nothing queued, the next wave is released if the
 * current one has no failures (otherwise the rollout pauses for `steering rollout promote`); when
 * no wave has anything queued, the rollout is completed. Returns the targets to enqueue.
 */
import {
  listDueTargets,
  lockRolloutWaves,
  updateRollout,
  type Db,
  type RolloutState,
} from '../store/index.js';
import type { DistributeJobData } from './distribute-queue.js';

export async function advanceRollout(
  db: Db,
  rolloutId: number,
  options: { promote?: boolean } = {},
): Promise<DistributeJobData[]> {
  return db.transaction(async (tx) => {
    const locked = await lockRolloutWaves(tx, rolloutId);
    if (!locked) return [];
    const { rollout, waves } = locked;
    if (rollout.state === 'completed' || rollout.state === 'cancelled') return [];
    let wave = rollout.currentWave;
    let state: RolloutState = rollout.state;
    const later = waves.filter((w) => w.wave > wave);
    if (options.promote && later.length) {
      wave = Math.max(...later.map((w) => w.wave));
      state = 'running';
    } else {
      const current = waves.filter((w) => w.wave <= wave);
      const pending = current.reduce((n, w) => n + w.queued, 0);
      const failed = current.reduce((n, w) => n + w.failed, 0);
      if (pending === 0 && later.length) {
        if (failed > 0 && wave === (waves[0]?.wave ?? 0)) state = 'paused';
        else wave = later[0]?.wave ?? wave;
      }
    }
    if (waves.every((w) => w.queued === 0)) state = 'completed';
    if (options.promote && state === 'paused') state = 'running';
    const released =
      wave !== rollout.currentWave || (state === 'running' && rollout.state !== 'running');
    if (wave !== rollout.currentWave || state !== rollout.state) {
      await updateRollout(tx, rolloutId, { state, currentWave: wave });
    }
    // Only a newly released wave is returned: targets already due were enqueued with their wave.
    return released && state === 'running' ? listDueTargets(tx, { rolloutId }) : [];
  });
}
