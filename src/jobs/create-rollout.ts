/**
 * Rollout creation on publish. `createRollout(tx, …)` selects the targets from the registry and
 * stores the rollout inside the publishing transaction (so a version never exists without its
 * rollout); the jobs are enqueued after the commit by `enqueueRollout` (a job enqueued earlier
 * could run before its rows are visible). If the process dies in between, `reconcileRollouts`
 * enqueues them: PostgreSQL is the truth.
 */
import { planWaves, type RepositorySelectors } from '../fleet/index.js';
import type { PublishOptions } from '../publish/index.js';
import {
  insertRollout,
  listDueTargets,
  listRepositories,
  markTargetsEnqueued,
  type Db,
  type Queryable,
} from '../store/index.js';
import { enqueueTargets, type DistributeQueue } from './distribute-queue.js';

export async function createRollout(
  q: Queryable,
  input: {
    guideline: string;
    version: string;
    appliesTo: Record<string, string[]> | null;
    createdBy: string;
    selectors: RepositorySelectors;
  },
): Promise<number> {
  const repos = await listRepositories(q);
  const planned = planWaves(repos, input.selectors, input.appliesTo);
  return insertRollout(q, {
    guideline: input.guideline,
    version: input.version,
    createdBy: input.createdBy,
    targets: planned.map((p) => ({ repositoryId: p.repo.id, wave: p.wave })),
  });
}

/** Enqueue a rollout's due targets (its released waves); returns how many. Idempotent. */
export async function enqueueRollout(
  db: Db,
  queue: DistributeQueue,
  rolloutId: number,
): Promise<number> {
  const due = await listDueTargets(db, { rolloutId });
  await enqueueTargets(queue, due);
  await markTargetsEnqueued(
    db,
    rolloutId,
    due.map((d) => d.repositoryId),
  );
  return due.length;
}

/**
 * A publish hook: `onPublished` creates the rollout in the publishing transaction and remembers
 * its id; call `flush()` after publishing returns to enqueue what was created.
 */
export function createRolloutHook(options: {
  db: Db;
  queue: DistributeQueue;
  selectors: RepositorySelectors;
}): { onPublished: NonNullable<PublishOptions['onPublished']>; flush(): Promise<number[]> } {
  let pending: number[] = [];
  return {
    async onPublished(tx, result) {
      pending.push(
        await createRollout(tx, {
          guideline: result.guideline,
          version: result.version,
          appliesTo: result.record?.appliesTo ?? null,
          createdBy: result.record?.publisher ?? 'unknown',
          selectors: options.selectors,
        }),
      );
    },
    async flush() {
      const ids = pending;
      pending = [];
      for (const id of ids) await enqueueRollout(options.db, options.queue, id);
      return ids;
    },
  };
}
