/**
 * Processes one recorded webhook delivery (the `delivery` job): keeps the repository registry in
 * step (installation, installation_repositories, repository events), records adoptions (merged
 * steering pull requests) and enqueues scans (pushes to the default branch, merges, rerequested
 * check runs). Every step is idempotent, so a retried job does no harm; the delivery row is
 * marked processed at the end.
 */
import type { GitHubPort } from '../github/index.js';
import type { Logger } from '../log.js';
import {
  finishDelivery,
  getDelivery,
  getRepository,
  getRepositoryHead,
  markRepositoryDeleted,
  recordAdoptionFromPullRequest,
  setRepositoryHead,
  upsertRepository,
  type Db,
  type Queryable,
} from '../store/index.js';
import { classifyDelivery } from './classify-delivery.js';
import type { ScanJobData } from './scan-queue.js';

export interface DeliveryDeps {
  db: Db;
  github: GitHubPort;
  logger: Logger;
  /** Enqueues a scan keyed by repo, sha and versions (plus `nonce` when forced). */
  enqueueScan(data: ScanJobData, nonce?: string): Promise<string | null>;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' ? (v as Json) : {});

export async function handleDelivery(deps: DeliveryDeps, deliveryId: string): Promise<string> {
  const d = await getDelivery(deps.db, deliveryId);
  if (!d) return 'unknown delivery';
  if (d.processedAt) return 'already processed';
  const p = d.payload;
  const intent = classifyDelivery(d.event, p);
  const installationId =
    typeof obj(p.installation).id === 'number' ? (obj(p.installation).id as number) : null;
  const log = deps.logger.child({ deliveryId, event: d.event, action: d.action });
  let outcome: string;
  switch (intent.kind) {
    case 'ignore':
      outcome = `ignored: ${intent.reason}`;
      break;
    case 'push': {
      const id = await upsertFromPayload(deps.db, p.repository, installationId);
      // A late delivery of an older push must not move the head back (nor scan the old commit).
      if (!(await setRepositoryHead(deps.db, id, intent.sha, intent.at ?? null))) {
        outcome = 'older than the head already seen: not scanned';
        break;
      }
      const job = await deps.enqueueScan({
        repositoryId: id,
        sha: intent.sha,
        trigger: 'push',
        deliveryId,
      });
      outcome = job ? `scan ${job}` : 'nothing to scan';
      break;
    }
    case 'merged': {
      const id = await upsertFromPayload(deps.db, p.repository, installationId);
      const adoption = await recordAdoptionFromPullRequest(deps.db, {
        repositoryId: id,
        prNumber: intent.prNumber,
        mergeSha: intent.sha,
      });
      if (!adoption)
        log.warn({ pr: intent.prNumber }, 'merged steering pull request unknown to any rollout');
      // GitHub sends merge_commit_sha: the head moves there, unless a newer push was already seen
      // (a late delivery); then the head seen is scanned again, now for the adopted track too.
      const moved = intent.sha
        ? await setRepositoryHead(deps.db, id, intent.sha, intent.at ?? null)
        : false;
      const sha = moved ? intent.sha : await getRepositoryHead(deps.db, id);
      if (!sha) {
        outcome = 'adoption recorded, no commit to scan';
        break;
      }
      const job = await deps.enqueueScan({ repositoryId: id, sha, trigger: 'merge', deliveryId });
      outcome = `adopted ${adoption ? `${adoption.guideline}@${adoption.version}` : 'unknown'}; scan ${job}`;
      break;
    }
    case 'rerequested': {
      const id = Number(obj(p.repository).id);
      const known = await getRepository(deps.db, id);
      if (!known || known.deletedAt) {
        outcome = 'repository not registered';
        break;
      }
      const job = await deps.enqueueScan(
        { repositoryId: id, sha: intent.sha, trigger: 'rerequest', deliveryId, force: true },
        deliveryId,
      );
      outcome = `rescan ${job}`;
      break;
    }
    case 'installation': {
      if (intent.action === 'deleted') {
        const r = await deps.db.query(
          `UPDATE repositories SET deleted_at = now(), updated_at = now()
           WHERE installation_id = $1 AND deleted_at IS NULL`,
          [intent.installationId],
        );
        outcome = `${r.rowCount} repositories removed`;
      } else {
        const listed = Array.isArray(p.repositories) ? p.repositories : [];
        outcome = `${await addRepositories(deps, intent.installationId, listed)} repositories added`;
      }
      break;
    }
    case 'installation-repositories': {
      if (intent.action === 'removed') {
        const removed = Array.isArray(p.repositories_removed) ? p.repositories_removed : [];
        for (const r of removed) await markRepositoryDeleted(deps.db, Number(obj(r).id));
        outcome = `${removed.length} repositories removed`;
      } else {
        const added = Array.isArray(p.repositories_added) ? p.repositories_added : [];
        outcome = `${await addRepositories(deps, intent.installationId, added)} repositories added`;
      }
      break;
    }
    case 'repository': {
      const repo = obj(p.repository);
      if (intent.action === 'deleted') await markRepositoryDeleted(deps.db, Number(repo.id));
      else await upsertFromPayload(deps.db, repo, installationId);
      outcome = `repository ${intent.action}`;
      break;
    }
  }
  await finishDelivery(deps.db, deliveryId);
  log.info({ outcome }, 'delivery processed');
  return outcome;
}

/** Repository payloads in installation events carry no default branch: read each from GitHub. */
async function addRepositories(
  deps: DeliveryDeps,
  installationId: number,
  listed: unknown[],
): Promise<number> {
  const port = deps.github.forInstallation(installationId);
  let n = 0;
  for (const item of listed) {
    const fullName = String(obj(item).full_name ?? '');
    const [owner, name] = fullName.split('/');
    if (!owner || !name) continue;
    const info = await port.getRepository(owner, name);
    await upsertRepository(deps.db, {
      id: info.id,
      owner: info.owner,
      name: info.name,
      defaultBranch: info.defaultBranch,
      archived: info.archived,
      fork: info.fork,
      topics: info.topics,
      installationId,
    });
    n++;
  }
  return n;
}

/** Full repository objects (push, pull_request, repository events) update the registry directly. */
async function upsertFromPayload(
  q: Queryable,
  repository: unknown,
  installationId: number | null,
): Promise<number> {
  const r = obj(repository);
  const id = Number(r.id);
  const existing = await getRepository(q, id);
  await upsertRepository(q, {
    id,
    owner: String(obj(r.owner).login ?? obj(r.owner).name ?? String(r.full_name).split('/')[0]),
    name: String(r.name),
    defaultBranch: String(r.default_branch ?? existing?.defaultBranch ?? 'main'),
    archived: r.archived === true,
    fork: r.fork === true,
    topics: Array.isArray(r.topics) ? r.topics.map(String) : (existing?.topics ?? []),
    installationId: installationId ?? existing?.installationId ?? 0,
  });
  return id;
}
