/**
 * The reconcilers of `serve` and `worker`, on in-process timers (never on a schedule kept in
 * Redis, which a restart can empty), each pass under a PostgreSQL advisory lock so one process of
 * the fleet runs it at a time:
 * - the outbox pass (every `outboxEverySeconds`, and at once when Redis comes back): deliveries
 *   recorded but not processed are enqueued again (job ids make that a no-op where the queue
 *   still holds them) — webhooks recorded during a Redis outage, or lost with Redis's data;
 * - the GitHub pass (at start, then every `reconcileEverySeconds`): the repository registry from
 *   the App's installations, rollout targets PostgreSQL holds as queued, webhooks GitHub failed to
 *   deliver (redelivered; from the second pass on, once `serve` listens), and steering pull
 *   requests merged without a webhook saying so.
 * A pass still running when its timer fires again is not started twice.
 */
import type { Config } from '../config.js';
import { syncRepositories } from '../fleet/index.js';
import type { Closable } from '../http/index.js';
import {
  reconcileOpenPullRequests,
  reconcileRollouts,
  redeliverFailedWebhooks,
  type RolloutRuntime,
} from '../jobs/index.js';
import type { Logger } from '../log.js';
import type { QueueDriver } from '../queue/index.js';
import { enqueueDeliveries, enqueueScan, type ScanRuntime } from '../scans/index.js';
import {
  getRepository,
  listDeliveryBacklog,
  markDeliveriesEnqueued,
  runExclusively,
  setRepositoryHead,
  type Db,
} from '../store/index.js';

export interface ReconcilerDeps {
  config: Pick<Config, 'github' | 'rollout' | 'resilience'>;
  db: Db;
  logger: Logger;
  rollouts: RolloutRuntime;
  scans: ScanRuntime;
  driver: QueueDriver;
}

export interface Reconcilers extends Closable {
  /** The first GitHub pass (start-up waits a little for its registry sync). */
  first: Promise<void>;
  outboxPass(): Promise<void>;
  githubPass(): Promise<void>;
}

/** Runs `fn` unless a previous call is still running; failures are logged, never thrown. */
function guarded(logger: Logger, what: string, fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () =>
    (running ??= fn()
      .catch((err: unknown) => logger.warn({ err }, `${what} failed; retrying at the next pass`))
      .finally(() => (running = undefined)));
}

export function startReconcilers(deps: ReconcilerDeps): Reconcilers {
  const { config, db, logger } = deps;
  const log = logger.child({ component: 'reconcile' });
  const outboxPass = guarded(log, 'outbox pass', async () => {
    await runExclusively(db, 'outbox', () => reconcileOutbox(deps, log));
  });
  // The first pass runs while `serve` starts, before its API listens: redeliveries asked for then
  // would find nothing listening (and fail again), so they wait for the next pass.
  let passes = 0;
  const githubPass = guarded(log, 'GitHub pass', async () => {
    const redeliver = passes++ > 0;
    await runExclusively(db, 'github', () => reconcileWithGitHub(deps, log, { redeliver }));
  });
  const timers: NodeJS.Timeout[] = [];
  const every = (seconds: number, fn: () => Promise<void>) => {
    if (seconds > 0) timers.push(setInterval(() => void fn(), seconds * 1000).unref());
  };
  every(config.resilience.outboxEverySeconds, outboxPass);
  every(config.resilience.reconcileEverySeconds, githubPass);
  deps.driver.onRecovery(async () => {
    await outboxPass();
    await reconcileRollouts(db, deps.rollouts.queue);
  });
  return {
    name: 'reconcilers',
    first: githubPass(),
    outboxPass,
    githubPass,
    async close() {
      for (const t of timers) clearInterval(t);
    },
  };
}

async function reconcileOutbox(deps: ReconcilerDeps, log: Logger): Promise<void> {
  const rows = await listDeliveryBacklog(deps.db);
  if (!rows.length) return;
  const ids = rows.map((r) => r.id);
  await enqueueDeliveries(deps.scans.queue, ids);
  await markDeliveriesEnqueued(
    deps.db,
    rows.filter((r) => !r.enqueued).map((r) => r.id),
  );
  log.info(
    { deliveries: ids.length, neverEnqueued: rows.filter((r) => !r.enqueued).length },
    'outbox: enqueued deliveries recorded but not processed',
  );
}

async function reconcileWithGitHub(
  deps: ReconcilerDeps,
  log: Logger,
  options: { redeliver: boolean },
): Promise<void> {
  const { config, db, rollouts } = deps;
  const github = rollouts.github;
  if (config.github.auth.kind !== 'none') {
    const r = await syncRepositories(github, db, config.rollout);
    log.info(
      { installations: r.installations, repositories: r.seen, eligible: r.eligible },
      'synced the repository registry',
    );
  }
  const due = await reconcileRollouts(db, rollouts.queue);
  if (due) log.info({ due }, 're-enqueued rollout targets from PostgreSQL');
  if (config.github.auth.kind === 'none') return;
  const hours = config.resilience.redeliverWithinHours;
  if (options.redeliver)
    await redeliverFailedWebhooks(
      { github, db, logger: log },
      { since: new Date(Date.now() - hours * 3_600_000) },
    );
  await reconcileOpenPullRequests({
    github,
    db,
    logger: log,
    onMerged: (repositoryId) => rescanHead(deps, repositoryId),
  });
}

/** After a merge found by asking: scan the default branch's head (adopted track included). */
async function rescanHead(deps: ReconcilerDeps, repositoryId: number): Promise<void> {
  const repo = await getRepository(deps.db, repositoryId);
  if (!repo) return;
  const head = await deps.rollouts.github
    .forInstallation(repo.installationId ?? 0)
    .getBranchHead(repo.owner, repo.name, repo.defaultBranch);
  if (!head) return;
  await setRepositoryHead(deps.db, repositoryId, head);
  await enqueueScan(deps.db, deps.scans.queue, { repositoryId, sha: head, trigger: 'merge' });
}
