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
import { classifyDelivery, type DeliveryIntent } from './classify-delivery.js';
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
  const log = deps.logger.child({ deliveryId, event: d.event, action: d.action });
  const delivery: Delivery = {
    id: deliveryId,
    payload: d.payload,
    installationId:
      typeof obj(d.payload.installation).id === 'number'
        ? (obj(d.payload.installation).id as number)
        : null,
    log,
  };
  const outcome = await act(deps, delivery, classifyDelivery(d.event, d.payload));
  await finishDelivery(deps.db, deliveryId);
  log.info({ outcome }, 'delivery processed');
  return outcome;
}

/** One recorded delivery as the steps below need it. */
interface Delivery {
  id: string;
  payload: Json;
  installationId: number | null;
  log: Logger;
}

type Intent<K extends DeliveryIntent['kind']> = Extract<DeliveryIntent, { kind: K }>;

/** What the delivery asks for, done; the answer is the outcome logged and returned. */
async function act(deps: DeliveryDeps, d: Delivery, intent: DeliveryIntent): Promise<string> {
  switch (intent.kind) {
    case 'ignore':
      return `ignored: ${intent.reason}`;
    case 'push':
      return scanPush(deps, d, intent);
    case 'merged':
      return adoptMerge(deps, d, intent);
    case 'rerequested':
      return rescanRequested(deps, d, intent);
    case 'installation':
      return followInstallation(deps, d, intent);
    case 'installation-repositories':
      return followInstallationRepositories(deps, d, intent);
    case 'repository': {
      const repo = obj(d.payload.repository);
      if (intent.action === 'deleted') await markRepositoryDeleted(deps.db, Number(repo.id));
      else await upsertFromPayload(deps.db, repo, d.installationId);
      return `repository ${intent.action}`;
    }
  }
}

/** A push to the default branch: the head moves (never back) and the new commit is scanned. */
async function scanPush(deps: DeliveryDeps, d: Delivery, intent: Intent<'push'>): Promise<string> {
  const id = await upsertFromPayload(deps.db, d.payload.repository, d.installationId);
  // A late delivery of an older push must not move the head back (nor scan the old commit).
  if (!(await setRepositoryHead(deps.db, id, intent.sha, intent.at ?? null)))
    return 'older than the head already seen: not scanned';
  const job = await deps.enqueueScan({
    repositoryId: id,
    sha: intent.sha,
    trigger: 'push',
    deliveryId: d.id,
  });
  return job ? `scan ${job}` : 'nothing to scan';
}

/** A merged steering pull request: the adoption is recorded and the merged head scanned. */
async function adoptMerge(
  deps: DeliveryDeps,
  d: Delivery,
  intent: Intent<'merged'>,
): Promise<string> {
  const id = await upsertFromPayload(deps.db, d.payload.repository, d.installationId);
  const adoption = await recordAdoptionFromPullRequest(deps.db, {
    repositoryId: id,
    prNumber: intent.prNumber,
    mergeSha: intent.sha,
  });
  if (!adoption)
    d.log.warn({ pr: intent.prNumber }, 'merged steering pull request unknown to any rollout');
  // GitHub sends merge_commit_sha: the head moves there, unless a newer push was already seen
  // (a late delivery); then the head seen is scanned again, now for the adopted track too.
  const moved = intent.sha
    ? await setRepositoryHead(deps.db, id, intent.sha, intent.at ?? null)
    : false;
  const sha = moved ? intent.sha : await getRepositoryHead(deps.db, id);
  if (!sha) return 'adoption recorded, no commit to scan';
  const job = await deps.enqueueScan({
    repositoryId: id,
    sha,
    trigger: 'merge',
    deliveryId: d.id,
  });
  return `adopted ${adoption ? `${adoption.guideline}@${adoption.version}` : 'unknown'}; scan ${job}`;
}

/** "Re-run" on steering's check run: a forced rescan of that commit, if the repository is ours. */
async function rescanRequested(
  deps: DeliveryDeps,
  d: Delivery,
  intent: Intent<'rerequested'>,
): Promise<string> {
  const id = Number(obj(d.payload.repository).id);
  const known = await getRepository(deps.db, id);
  if (!known || known.deletedAt) return 'repository not registered';
  const job = await deps.enqueueScan(
    { repositoryId: id, sha: intent.sha, trigger: 'rerequest', deliveryId: d.id, force: true },
    d.id,
  );
  return `rescan ${job}`;
}

/** The App installed (its repositories join the registry) or uninstalled (they all leave). */
async function followInstallation(
  deps: DeliveryDeps,
  d: Delivery,
  intent: Intent<'installation'>,
): Promise<string> {
  if (intent.action === 'deleted') {
    const r = await deps.db.query(
      `UPDATE repositories SET deleted_at = now(), updated_at = now()
       WHERE installation_id = $1 AND deleted_at IS NULL`,
      [intent.installationId],
    );
    return `${r.rowCount} repositories removed`;
  }
  const listed = Array.isArray(d.payload.repositories) ? d.payload.repositories : [];
  return `${await addRepositories(deps, intent.installationId, listed)} repositories added`;
}

/** Repositories added to or removed from an existing installation. */
async function followInstallationRepositories(
  deps: DeliveryDeps,
  d: Delivery,
  intent: Intent<'installation-repositories'>,
): Promise<string> {
  const p = d.payload;
  if (intent.action === 'removed') {
    const removed = Array.isArray(p.repositories_removed) ? p.repositories_removed : [];
    for (const r of removed) await markRepositoryDeleted(deps.db, Number(obj(r).id));
    return `${removed.length} repositories removed`;
  }
  const added = Array.isArray(p.repositories_added) ? p.repositories_added : [];
  return `${await addRepositories(deps, intent.installationId, added)} repositories added`;
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
