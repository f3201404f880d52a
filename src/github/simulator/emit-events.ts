/**
 * The webhook deliveries the simulator sends, complete as GitHub sends them (each starts from
 * GitHub's documented example and carries the simulator's state): `push` (with `commits[]`,
 * `pusher`, `compare`, `head_commit`), `pull_request` (opened, edited, closed with
 * `merge_commit_sha`, reopened, synchronize, labeled), `check_suite` (requested on every push),
 * `check_run` (created, completed), `installation`, `installation_repositories` and `repository`.
 */
import { hookBase, type Body } from './bases.js';
import { ancestors, flattenTree } from './git-objects.js';
import type { WebhookSender } from './send-webhooks.js';
import type { SimCheckRun, SimInstallation, SimPull, SimRepo } from './state.js';
import { fillPull, fillRepo, idOf, noreplyEmail, toAccount, toLabel } from './to-json.js';

export interface EventContext {
  webhooks: WebhookSender;
  baseUrl: string;
  /** Simulated epoch ms (push payloads carry the push time). */
  now: () => number;
  app?: { id: number; slug: string } | undefined;
}

const ZERO = '0'.repeat(40);

function common(e: EventContext, key: string, repo: SimRepo | undefined, sender: string): Body {
  const base = hookBase(key, e.baseUrl);
  const out: Body = {
    ...base,
    sender: toAccount(base.sender ?? {}, sender, idOf(sender), e.baseUrl),
  };
  if (repo) {
    out.repository = fillRepo(
      base.repository ?? hookBase('push', e.baseUrl).repository,
      repo,
      e.baseUrl,
    );
    out.installation = {
      id: repo.installationId,
      node_id: Buffer.from(`Installation:${repo.installationId}`).toString('base64'),
    };
  }
  delete out.organization;
  delete out.enterprise;
  return out;
}

/** The commits a push adds (reachable from `after`, not from `before`), oldest first. */
function pushedCommits(
  repo: SimRepo,
  before: string | undefined,
  after: string,
  html: string,
): Body[] {
  const known = new Set(before ? ancestors(repo.objects, before) : []);
  // A new branch lists only the commits not already on the default branch.
  const def = repo.refs.get(`heads/${repo.defaultBranch}`);
  if (!before && def && def !== after) for (const s of ancestors(repo.objects, def)) known.add(s);
  return ancestors(repo.objects, after)
    .filter((s) => !known.has(s))
    .reverse()
    .slice(-2048)
    .map((sha) => commitEntry(repo, sha, html));
}

function commitEntry(repo: SimRepo, sha: string, html: string): Body {
  const c = repo.objects.get(sha);
  if (c?.type !== 'commit') throw new Error(`simulator: not a commit ${sha}`);
  const parent = c.parents[0] ? repo.objects.get(c.parents[0]) : undefined;
  const was = parent?.type === 'commit' ? flattenTree(repo.objects, parent.tree) : new Map();
  const now = flattenTree(repo.objects, c.tree);
  const added: string[] = [];
  const modified: string[] = [];
  const removed: string[] = [];
  for (const [p, entry] of now) {
    const old = was.get(p);
    if (!old) added.push(p);
    else if (old.sha !== entry.sha) modified.push(p);
  }
  for (const p of was.keys()) if (!now.has(p)) removed.push(p);
  const person = (s: typeof c.author) => ({
    name: s.name,
    email: s.email,
    date: s.date,
    ...(s.login ? { username: s.login } : {}),
  });
  return {
    id: sha,
    tree_id: c.tree,
    distinct: true,
    message: c.message,
    timestamp: c.committer.date,
    url: `${html}/commit/${sha}`,
    author: person(c.author),
    committer: person(c.committer),
    added,
    removed,
    modified,
  };
}

export function emitPush(
  e: EventContext,
  repo: SimRepo,
  ref: string,
  before: string | undefined,
  after: string | undefined,
  sender: string,
  forced = false,
): void {
  const html = `https://github.com/${repo.owner}/${repo.name}`;
  const payload = common(e, 'push', repo, sender);
  const commits = after ? pushedCommits(repo, before, after, html) : [];
  const headCommit = after ? commitEntry(repo, after, html) : null;
  Object.assign(payload, {
    ref: `refs/${ref}`,
    before: before ?? ZERO,
    after: after ?? ZERO,
    created: !before,
    deleted: !after,
    forced,
    base_ref: null,
    compare:
      before && after
        ? `${html}/compare/${before.slice(0, 12)}...${after.slice(0, 12)}`
        : `${html}/compare/${ref.replace(/^heads\//, '')}`,
    commits,
    head_commit: headCommit,
    pusher: { name: sender, email: noreplyEmail(sender) },
  });
  // Push payloads carry the push time as epoch seconds.
  payload.repository.pushed_at = Math.floor(e.now() / 1000);
  e.webhooks.emit('push', payload);
  if (after && e.app)
    emitCheckSuite(e, repo, ref.replace(/^heads\//, ''), before ?? null, after, sender);
}

function emitCheckSuite(
  e: EventContext,
  repo: SimRepo,
  branch: string,
  before: string | null,
  after: string,
  sender: string,
): void {
  const payload = common(e, 'check_suite.requested', repo, sender);
  const id = suiteOf(repo, after);
  payload.check_suite = {
    ...payload.check_suite,
    id,
    node_id: Buffer.from(`CheckSuite:${id}`).toString('base64'),
    head_branch: branch,
    head_sha: after,
    status: 'queued',
    conclusion: null,
    url: `${e.baseUrl}/repos/${repo.owner}/${repo.name}/check-suites/${id}`,
    before: before ?? ZERO,
    after,
    pull_requests: [],
    app: { ...payload.check_suite.app, id: e.app?.id, slug: e.app?.slug, name: e.app?.slug },
    head_commit: payload.check_suite.head_commit && {
      ...payload.check_suite.head_commit,
      id: after,
    },
  };
  e.webhooks.emit('check_suite', payload);
}

/** The App's check suite for a sha (GitHub creates one per App and head sha). */
export function suiteOf(repo: SimRepo, sha: string): number {
  let id = repo.suites.get(sha);
  if (id === undefined) {
    id = idOf(`suite:${repo.id}:${sha}`);
    repo.suites.set(sha, id);
  }
  return id;
}

export function emitPull(
  e: EventContext,
  repo: SimRepo,
  pull: SimPull,
  action: string,
  sender: string,
  extra: Body = {},
): void {
  const payload = common(e, `pull_request.${action}`, repo, sender);
  const base = payload.pull_request as Body;
  payload.number = pull.number;
  payload.pull_request = fillPull(
    base,
    repo,
    pull,
    e.baseUrl,
    base.head?.repo ?? payload.repository,
  );
  if (action === 'labeled' && typeof extra.label === 'string') {
    payload.label = { ...payload.label, ...toLabel(extra.label, e.baseUrl, repo) };
  } else Object.assign(payload, extra);
  e.webhooks.emit('pull_request', payload);
}

export function emitCheckRun(
  e: EventContext,
  repo: SimRepo,
  run: SimCheckRun,
  action: 'created' | 'completed',
  sender: string,
): void {
  const payload = common(e, `check_run.${action}`, repo, sender);
  const base = payload.check_run as Body;
  payload.check_run = {
    ...base,
    id: run.id,
    node_id: Buffer.from(`CheckRun:${run.id}`).toString('base64'),
    name: run.name,
    head_sha: run.headSha,
    external_id: run.externalId ?? '',
    details_url: run.detailsUrl ?? `https://github.com/apps/${e.app?.slug ?? 'steering'}`,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    url: `${e.baseUrl}/repos/${repo.owner}/${repo.name}/check-runs/${run.id}`,
    html_url: `https://github.com/${repo.owner}/${repo.name}/runs/${run.id}`,
    output: {
      ...base.output,
      title: run.output.title,
      summary: run.output.summary,
      text: run.output.text,
      annotations_count: run.annotations.length,
    },
    check_suite: { ...base.check_suite, id: run.suiteId, head_sha: run.headSha, pull_requests: [] },
    pull_requests: [],
  };
  e.webhooks.emit('check_run', payload);
}

/** The installation's id, account and target, on top of the recorded installation object. */
const installationAccount = (
  e: EventContext,
  i: SimInstallation,
  recorded: { account: Record<string, unknown> },
) => ({
  id: i.id,
  account: toAccount(
    { ...recorded.account, type: i.account.type },
    i.account.login,
    i.account.id,
    e.baseUrl,
  ),
  target_id: i.account.id,
});

export function emitInstallation(
  e: EventContext,
  i: SimInstallation,
  repos: SimRepo[],
  action: 'created' | 'deleted',
  sender: string,
): void {
  const payload = common(e, `installation.${action}`, undefined, sender);
  payload.installation = {
    ...payload.installation,
    ...installationAccount(e, i, payload.installation),
    app_id: e.app?.id ?? payload.installation.app_id,
    app_slug: e.app?.slug ?? payload.installation.app_slug,
    target_type: i.account.type,
    repository_selection: 'all',
    permissions: { ...i.permissions },
  };
  payload.repositories = repos.map((r) => brief(r));
  e.webhooks.emit('installation', payload);
}

const brief = (r: SimRepo) => ({
  id: r.id,
  node_id: Buffer.from(`Repository:${r.id}`).toString('base64'),
  name: r.name,
  full_name: `${r.owner}/${r.name}`,
  private: r.private,
});

export function emitInstallationRepositories(
  e: EventContext,
  i: SimInstallation,
  repos: SimRepo[],
  action: 'added' | 'removed',
  sender: string,
): void {
  const payload = common(e, `installation_repositories.${action}`, undefined, sender);
  payload.installation = {
    ...payload.installation,
    ...installationAccount(e, i, payload.installation),
    permissions: { ...i.permissions },
  };
  payload.repository_selection = 'selected';
  payload.repositories_added = action === 'added' ? repos.map(brief) : [];
  payload.repositories_removed = action === 'removed' ? repos.map(brief) : [];
  payload.requester = null;
  e.webhooks.emit('installation_repositories', payload);
}

export function emitRepository(
  e: EventContext,
  repo: SimRepo,
  action: 'archived' | 'unarchived' | 'renamed' | 'deleted',
  sender: string,
  changes?: Body,
): void {
  const payload = common(e, `repository.${action}`, repo, sender);
  if (changes) payload.changes = changes;
  else delete payload.changes;
  e.webhooks.emit('repository', payload);
}
