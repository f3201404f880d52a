/**
 * The webhook payloads the simulator sends: `push` (any ref moved), `pull_request` (opened,
 * edited, closed, reopened; merged PRs arrive as closed with `merged: true`). Shapes follow
 * GitHub's (see @octokit/webhooks-examples), limited to the fields steering reads.
 */
import type { WebhookSender } from './send-webhooks.js';
import type { SimPull, SimRepo } from './state.js';
import { toCommit, toPull, toRepo } from './to-json.js';

export interface EventContext {
  webhooks: WebhookSender;
  baseUrl: string;
}

export function emitPush(
  e: EventContext,
  repo: SimRepo,
  ref: string,
  before: string | undefined,
  after: string | undefined,
  sender: string,
): void {
  const zero = '0'.repeat(40);
  const url = `${e.baseUrl}/repos/${repo.owner}/${repo.name}`;
  const commit = after ? repo.objects.get(after) : undefined;
  const head = after && commit?.type === 'commit' ? toCommit(after, commit, url) : null;
  e.webhooks.emit('push', {
    ref: `refs/${ref}`,
    before: before ?? zero,
    after: after ?? zero,
    created: !before,
    deleted: !after,
    forced: false,
    head_commit: head && {
      id: head.sha,
      message: head.commit.message,
      author: { ...head.commit.author, username: head.author?.login },
      committer: { ...head.commit.committer, username: head.committer?.login },
    },
    repository: toRepo(repo, e.baseUrl),
    installation: { id: repo.installationId },
    sender: { login: sender },
  });
}

export function emitPull(
  e: EventContext,
  repo: SimRepo,
  pull: SimPull,
  action: string,
  sender: string,
): void {
  e.webhooks.emit('pull_request', {
    action,
    number: pull.number,
    pull_request: toPull(repo, pull, e.baseUrl),
    repository: toRepo(repo, e.baseUrl),
    installation: { id: repo.installationId },
    sender: { login: sender },
  });
}
