/**
 * The reconcile job (BullMQ repeatable, id `reconcile-scans`):
 * 1. enqueues outbox rows recorded but never enqueued (Redis was down at intake), then marks them;
 * 2. rescans repositories whose known default-branch head has no scan, and repositories whose
 *    last scan is older than `maxAgeHours` (asking GitHub for the head first, one request each,
 *    at most `maxHeadLookups` per run so a large fleet spreads over several runs).
 * Job ids make both steps idempotent.
 */
import type { GitHubPort } from '../github/index.js';
import type { Logger } from '../log.js';
import {
  listRescanCandidates,
  listUnenqueuedDeliveries,
  markDeliveriesEnqueued,
  setRepositoryHead,
  type Db,
} from '../store/index.js';
import { enqueueScan } from './enqueue-scan.js';
import { enqueueDeliveries, type ScanQueue } from './scan-queue.js';

export const RECONCILE_SCHEDULER_ID = 'reconcile-scans';

export interface ReconcileScansOptions {
  maxAgeHours: number;
  /** Leave rows younger than this to the intake that is recording them. Default 5000 ms. */
  graceMs?: number;
  /** Default 100. */
  maxHeadLookups?: number;
  /** Default now (stale rescans of an unchanged head are keyed by the hour). */
  now?: Date;
}

export interface ReconcileScansResult {
  deliveries: number;
  scans: number;
}

export async function reconcileScans(
  deps: { db: Db; github: GitHubPort; queue: ScanQueue; logger: Logger },
  options: ReconcileScansOptions,
): Promise<ReconcileScansResult> {
  const ids = await listUnenqueuedDeliveries(deps.db, { olderThanMs: options.graceMs ?? 5000 });
  if (ids.length) {
    await enqueueDeliveries(deps.queue, ids);
    await markDeliveriesEnqueued(deps.db, ids);
  }
  const hour = (options.now ?? new Date()).toISOString().slice(0, 13).replace(/\D/g, '');
  let scans = 0;
  let lookups = 0;
  for (const c of await listRescanCandidates(deps.db, { maxAgeHours: options.maxAgeHours })) {
    let head = c.reason === 'head-changed' ? c.headSha : null;
    if (!head) {
      if (lookups++ >= (options.maxHeadLookups ?? 100)) continue;
      try {
        head = await deps.github
          .forInstallation(c.installationId ?? 0)
          .getBranchHead(c.owner, c.name, c.defaultBranch);
      } catch (err) {
        deps.logger.warn({ repo: `${c.owner}/${c.name}`, err }, 'head lookup failed');
        continue;
      }
      if (!head) continue;
      await setRepositoryHead(deps.db, c.repositoryId, head);
    }
    const stale = c.reason === 'stale' && head === c.lastScanSha;
    const job = await enqueueScan(
      deps.db,
      deps.queue,
      {
        repositoryId: c.repositoryId,
        sha: head,
        trigger: 'reconcile',
        ...(stale ? { force: true } : {}),
      },
      stale ? `age${hour}` : undefined,
    );
    if (job) scans++;
  }
  if (ids.length || scans)
    deps.logger.info({ deliveries: ids.length, scans }, 'scan reconcile enqueued work');
  return { deliveries: ids.length, scans };
}

/** Registers (or updates) the repeatable reconcile job. */
export async function scheduleScanReconcile(queue: ScanQueue, everyMs: number): Promise<void> {
  await queue.upsertJobScheduler(
    RECONCILE_SCHEDULER_ID,
    { every: everyMs },
    { name: 'reconcile', data: {} },
  );
}
