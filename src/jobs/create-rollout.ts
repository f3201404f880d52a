/**
 * Rollout creation on publish. `createRollout(tx, …)` selects the targets from the registry and
 * stores the rollout inside the publishing transaction (so a version never exists without its
 * rollout); the jobs are enqueued after the commit by `enqueueRollout` (a job enqueued earlier
 * could run before its rows are visible). If the process dies in between, `reconcileRollouts`
 * enqueues them: PostgreSQL is the truth. A version no repository would receive gets no rollout.
 */
import { planWaves, type RepositorySelectors } from '../fleet/index.js';
import type { PublishOptions, PublishResult } from '../publish/index.js';
import type { Logger } from '../log.js';
import {
  getRollout,
  insertRollout,
  listDueTargets,
  listRepositories,
  markTargetsEnqueued,
  outsideTransaction,
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
): Promise<number | null> {
  const repos = await listRepositories(q);
  const planned = planWaves(repos, input.selectors, input.appliesTo);
  if (planned.length === 0) return null;
  return insertRollout(q, {
    guideline: input.guideline,
    version: input.version,
    createdBy: input.createdBy,
    targets: planned.map((p) => ({ repositoryId: p.repo.id, wave: p.wave })),
  });
}

/**
 * The rollout of a version just published, created in the publishing transaction: its targets
 * from the registry and `selectors`, its author the version's publisher (else `fallbackAuthor`).
 * Null when no repository would receive the version.
 */
export function createRolloutForPublished(
  tx: Queryable,
  result: PublishResult,
  options: { selectors: RepositorySelectors; fallbackAuthor: string },
): Promise<number | null> {
  return createRollout(tx, {
    guideline: result.guideline,
    version: result.version,
    appliesTo: result.record?.appliesTo ?? null,
    createdBy: result.record?.publisher ?? options.fallbackAuthor,
    selectors: options.selectors,
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
 * its id; `flush()` (call it after publishing returns) enqueues every remembered rollout that is
 * visible, i.e. committed. A rollout not visible yet stays pending; one never seen (rolled back)
 * is dropped after a few tries. With `autoFlush` (the HTTP API, where no one calls flush), a flush
 * is scheduled after each publish and retried every 100 ms for a few seconds; the worker's
 * periodic `reconcileRollouts` is the safety net either way.
 */
export function createRolloutHook(options: {
  db: Db;
  queue: DistributeQueue;
  selectors: RepositorySelectors;
  autoFlush?: boolean;
  logger?: Logger;
}): { onPublished: NonNullable<PublishOptions['onPublished']>; flush(): Promise<number[]> } {
  const pending = new Map<number, number>(); // rollout id → flush attempts
  const MAX_TRIES = 30;
  async function flush(): Promise<number[]> {
    const done: number[] = [];
    for (const [id, tries] of [...pending]) {
      if (await getRollout(options.db, id)) {
        pending.delete(id);
        await enqueueRollout(options.db, options.queue, id);
        done.push(id);
      } else if (tries + 1 >= MAX_TRIES) pending.delete(id);
      else pending.set(id, tries + 1);
    }
    return done;
  }
  function scheduleFlush(): void {
    // Scheduled from inside the publishing transaction: the timer must not inherit its context.
    outsideTransaction(() =>
      setTimeout(() => {
        flush()
          .then(() => {
            if (pending.size) scheduleFlush();
          })
          .catch((err: unknown) =>
            options.logger?.warn({ err }, 'rollout enqueue failed; reconcile will retry'),
          );
      }, 100).unref(),
    );
  }
  return {
    async onPublished(tx, result) {
      const id = await createRolloutForPublished(tx, result, {
        selectors: options.selectors,
        fallbackAuthor: 'unknown',
      });
      if (id === null) {
        options.logger?.info(
          { guideline: result.guideline, version: result.version },
          'no repository would receive this version: no rollout (is GitHub configured and the registry synced?)',
        );
        return;
      }
      pending.set(id, 0);
      if (options.autoFlush) scheduleFlush();
    },
    flush,
  };
}
