/**
 * Decides from a webhook's event name and payload whether steering has anything to do with it.
 * Pure and cheap: the intake calls it to answer "ignored" without storing anything, and the
 * delivery processor calls it again to know what to do.
 *
 * A push that only touched `.steering/` files, made by a bot, on the default branch cannot change
 * compliance (checks never read `.steering/`): ignored. The merge of a steering pull request
 * arrives as its own `pull_request` event and records the adoption.
 */

export type DeliveryIntent =
  | { kind: 'ignore'; reason: string }
  /** `at`: when the push happened (repository.pushed_at), to ignore late, older deliveries. */
  | { kind: 'push'; sha: string; at?: Date }
  | { kind: 'merged'; prNumber: number; sha: string | null; branch: string; at?: Date }
  | { kind: 'rerequested'; sha: string }
  | { kind: 'installation'; action: 'created' | 'deleted'; installationId: number }
  | { kind: 'installation-repositories'; action: 'added' | 'removed'; installationId: number }
  | { kind: 'repository'; action: string };

/** Events steering subscribes to (the App manifest lists the same). */
export const HANDLED_EVENTS = [
  'push',
  'pull_request',
  'installation',
  'installation_repositories',
  'repository',
  'check_run',
  'check_suite',
] as const;

const REPOSITORY_ACTIONS = new Set([
  'created',
  'deleted',
  'archived',
  'unarchived',
  'renamed',
  'transferred',
]);
const ZERO = /^0{40}$/;
/** GitHub lists at most 20 commits in a push payload; beyond that, changed files are unknown. */
const PUSH_COMMIT_LIST_LIMIT = 20;

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' ? (v as Json) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
/** A commit id as git writes it (SHA-1, or SHA-256 for repositories that use it): anything else
 * from a payload never reaches a job id, a cache key or a GitHub URL. */
const SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const sha = (v: unknown): string | undefined => {
  const s = str(v);
  return s !== undefined && SHA.test(s) ? s : undefined;
};

export function classifyDelivery(event: string, payload: unknown): DeliveryIntent {
  const p = obj(payload);
  const action = str(p.action);
  const repo = obj(p.repository);
  const ignore = (reason: string): DeliveryIntent => ({ kind: 'ignore', reason });
  switch (event) {
    case 'push': {
      const after = str(p.after);
      if (p.deleted === true || !after || ZERO.test(after)) return ignore('branch deleted');
      if (!sha(after)) return ignore('after is not a commit sha');
      const branch = str(repo.default_branch);
      if (!branch || p.ref !== `refs/heads/${branch}`) return ignore('not the default branch');
      if (onlySteeringFiles(p)) return ignore('only .steering/ files changed, by a bot');
      const at = timeOf(repo.pushed_at);
      return { kind: 'push', sha: after, ...(at ? { at } : {}) };
    }
    case 'pull_request': {
      const pr = obj(p.pull_request);
      const head = str(obj(pr.head).ref) ?? '';
      if (action !== 'closed' || pr.merged !== true) return ignore(`pull request ${action}`);
      if (!head.startsWith('steering/')) return ignore('not a steering pull request');
      if (str(obj(pr.base).ref) !== str(repo.default_branch))
        return ignore('not merged into the default branch');
      const mergedAt = timeOf(pr.merged_at);
      return {
        kind: 'merged',
        prNumber: Number(pr.number ?? p.number),
        sha: sha(pr.merge_commit_sha) ?? null,
        branch: head,
        ...(mergedAt ? { at: mergedAt } : {}),
      };
    }
    case 'check_run':
    case 'check_suite': {
      if (action !== 'rerequested') return ignore(`${event} ${action}`);
      const head = sha(obj(p[event]).head_sha);
      return head ? { kind: 'rerequested', sha: head } : ignore('no valid head sha');
    }
    case 'installation': {
      if (action !== 'created' && action !== 'deleted') return ignore(`installation ${action}`);
      return { kind: 'installation', action, installationId: Number(obj(p.installation).id) };
    }
    case 'installation_repositories': {
      if (action !== 'added' && action !== 'removed') return ignore(`repositories ${action}`);
      return {
        kind: 'installation-repositories',
        action,
        installationId: Number(obj(p.installation).id),
      };
    }
    case 'repository': {
      const defaultBranchEdit = action === 'edited' && 'default_branch' in obj(p.changes);
      if (!action || (!REPOSITORY_ACTIONS.has(action) && !defaultBranchEdit))
        return ignore(`repository ${action}`);
      return { kind: 'repository', action };
    }
    default:
      return ignore(`event ${event} is not handled`);
  }
}

/** A payload timestamp (epoch seconds in push payloads, ISO 8601 elsewhere), or null. */
function timeOf(v: unknown): Date | null {
  const d = typeof v === 'number' ? new Date(v * 1000) : typeof v === 'string' ? new Date(v) : null;
  return d && !Number.isNaN(d.getTime()) ? d : null;
}

function onlySteeringFiles(p: Json): boolean {
  const sender = obj(p.sender);
  const bot = sender.type === 'Bot' || /\[bot\]$/.test(str(sender.login) ?? '');
  const commits = Array.isArray(p.commits) ? (p.commits as unknown[]).map(obj) : [];
  if (!bot || commits.length === 0 || commits.length >= PUSH_COMMIT_LIST_LIMIT) return false;
  return commits.every((c) => {
    const files = [c.added, c.modified, c.removed].flatMap((l) =>
      Array.isArray(l) ? (l as unknown[]) : [],
    );
    return (
      files.length > 0 && files.every((f) => typeof f === 'string' && f.startsWith('.steering/'))
    );
  });
}

/** The repository id a payload is about, when it names one. */
export function repositoryIdOf(payload: unknown): number | null {
  const id = obj(obj(payload).repository).id;
  return typeof id === 'number' ? id : null;
}
