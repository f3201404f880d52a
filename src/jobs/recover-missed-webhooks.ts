/**
 * What webhooks may have missed while steering was down or failing, asked of GitHub:
 * 1. `redeliverFailedWebhooks`: the App's delivery log since `since`; an event none of whose
 *    attempts steering acknowledged (2xx), and which PostgreSQL has not recorded, is redelivered
 *    (its latest attempt), at most `max` a pass. Recorded ones are the outbox's business.
 * 2. `reconcileOpenPullRequests`: each steering pull request PostgreSQL still holds as open is
 *    read from GitHub; a merged one records its adoption (as the `pull_request.closed` delivery
 *    would have) and `onMerged` rescans the repository.
 * Both are idempotent: a second pass finds nothing left to do.
 */
import type { GitHubPort, HookDelivery } from '../github/index.js';
import type { Logger } from '../log.js';
import {
  listOpenPullRequestTargets,
  recordAdoptionFromPullRequest,
  recordedDeliveryIds,
  type Db,
} from '../store/index.js';

export interface RedeliverResult {
  attempts: number;
  unacknowledged: number;
  redelivered: number;
}

/** The latest attempt of each event (guid) none of whose attempts was acknowledged. */
export function unacknowledgedEvents(attempts: readonly HookDelivery[]): HookDelivery[] {
  const byGuid = new Map<string, { ok: boolean; latest: HookDelivery }>();
  for (const a of attempts) {
    const ok = a.statusCode >= 200 && a.statusCode < 300;
    const seen = byGuid.get(a.guid);
    if (!seen) byGuid.set(a.guid, { ok, latest: a });
    else {
      seen.ok ||= ok;
      if (a.id > seen.latest.id) seen.latest = a;
    }
  }
  return [...byGuid.values()].filter((g) => !g.ok).map((g) => g.latest);
}

export async function redeliverFailedWebhooks(
  deps: { github: GitHubPort; db: Db; logger: Logger },
  options: { since: Date; max?: number },
): Promise<RedeliverResult> {
  const { github } = deps;
  if (!github.listHookDeliveries || !github.redeliverHook)
    return { attempts: 0, unacknowledged: 0, redelivered: 0 };
  const attempts = await github.listHookDeliveries(options.since);
  const failed = unacknowledgedEvents(attempts);
  const recorded = await recordedDeliveryIds(
    deps.db,
    failed.map((f) => f.guid),
  );
  let redelivered = 0;
  for (const f of failed) {
    if (recorded.has(f.guid) || redelivered >= (options.max ?? 100)) continue;
    await github.redeliverHook(f.id);
    redelivered++;
  }
  if (redelivered)
    deps.logger.info(
      { redelivered, unacknowledged: failed.length },
      'asked GitHub to redeliver webhooks steering never acknowledged',
    );
  return { attempts: attempts.length, unacknowledged: failed.length, redelivered };
}

export interface OpenPullRequestsResult {
  checked: number;
  merged: number;
}

export async function reconcileOpenPullRequests(
  deps: {
    github: GitHubPort;
    db: Db;
    logger: Logger;
    onMerged(repositoryId: number): Promise<unknown>;
  },
  options: { limit?: number } = {},
): Promise<OpenPullRequestsResult> {
  const open = await listOpenPullRequestTargets(deps.db, options);
  let merged = 0;
  for (const t of open) {
    const repo = `${t.owner}/${t.name}`;
    try {
      const pr = await deps.github
        .forInstallation(t.installationId)
        .getPullRequest(t.owner, t.name, t.prNumber);
      if (!pr.merged) continue;
      const adoption = await recordAdoptionFromPullRequest(deps.db, {
        repositoryId: t.repositoryId,
        prNumber: t.prNumber,
        mergeSha: null,
      });
      merged++;
      deps.logger.info({ repo, pr: t.prNumber, adoption }, 'recorded a merge no webhook announced');
      await deps.onMerged(t.repositoryId);
    } catch (err) {
      deps.logger.warn({ repo, pr: t.prNumber, err }, 'could not read the pull request');
    }
  }
  return { checked: open.length, merged };
}
