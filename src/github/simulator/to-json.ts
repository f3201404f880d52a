/**
 * Response bodies in GitHub's complete shapes: each starts from GitHub's documented example for
 * the operation (`bases.ts`) and carries the simulator's state in every field steering or any
 * client could read. The conformance check validates them against GitHub's schemas.
 */
import { restBase, type Body } from './bases.js';
import { iso } from './http-kit.js';
import type { CommitObject, Signature } from './git-objects.js';
import type { SimCheckRun, SimInstallation, SimPull, SimRepo } from './state.js';

const nodeId = (kind: string, id: number | string): string =>
  Buffer.from(`${kind}:${id}`).toString('base64');

/**
 * The no-reply address GitHub gives an account (`<id>+<login>@users.noreply.github.com`); an
 * App's bot appears without its `[bot]` suffix, which an email address cannot hold.
 */
export function noreplyEmail(login: string): string {
  return `${idOf(login)}+${login.replace(/\[bot\]$/, '')}@users.noreply.github.com`;
}

/** A GitHub account object (user, bot or organisation) in the shape of `base`. */
export function toAccount(base: Body, login: string, id = idOf(login), baseUrl?: string): Body {
  const bot = login.endsWith('[bot]');
  const type = bot ? 'Bot' : base.type === 'Organization' ? 'Organization' : 'User';
  const api = `${baseUrl ?? 'https://api.github.com'}/users/${encodeURIComponent(login)}`;
  const out: Body = {
    ...base,
    login,
    id,
    node_id: nodeId(type, id),
    type,
    url: api,
    html_url: bot ? `https://github.com/apps/${login.slice(0, -5)}` : `https://github.com/${login}`,
    ...(base.name === undefined ? {} : { name: login }),
    ...(base.email === undefined ? {} : { email: noreplyEmail(login) }),
  };
  // followers_url, repos_url, ...: the same API path, under this login.
  for (const [k, v] of Object.entries(out))
    if (typeof v === 'string' && k.endsWith('_url') && k !== 'html_url' && k !== 'avatar_url')
      out[k] = v.replace(/^.*\/users\/[^/{]+/, api);
  return out;
}

/** A stable numeric id for a login (accounts the simulator does not otherwise track). */
export function idOf(login: string): number {
  let h = 7;
  for (const c of login) h = (h * 31 + c.charCodeAt(0)) % 90_000_000;
  return h + 1_000_000;
}

/** Overwrites a repository object of any of GitHub's repository shapes with the simulator's repo. */
export function fillRepo(
  base: Body,
  r: SimRepo,
  baseUrl: string,
  ownerType = 'Organization',
): Body {
  const url = `${baseUrl}/repos/${r.owner}/${r.name}`;
  const out: Body = {
    ...base,
    id: r.id,
    node_id: nodeId('Repository', r.id),
    name: r.name,
    full_name: `${r.owner}/${r.name}`,
    owner: toAccount({ ...base.owner, type: ownerType }, r.owner, r.ownerId, baseUrl),
    private: r.private,
    fork: r.fork,
    archived: r.archived,
    disabled: false,
    default_branch: r.defaultBranch,
    html_url: `https://github.com/${r.owner}/${r.name}`,
    url,
    visibility: r.private ? 'private' : 'public',
    topics: [...r.topics],
  };
  for (const [k, v] of Object.entries(base))
    if (typeof v === 'string' && k.endsWith('_url') && v.includes('/repos/'))
      out[k] = v.replace(/\/repos\/[^/]+\/[^/{]+/, `/repos/${r.owner}/${r.name}`);
  if (!r.fork) {
    delete out.parent;
    delete out.source;
  }
  if ('master_branch' in out) out.master_branch = r.defaultBranch;
  return out;
}

export function toRepo(r: SimRepo, baseUrl: string): Body {
  return fillRepo(restBase('GET /repos/{owner}/{repo}', baseUrl), r, baseUrl);
}

export function toInstallation(
  i: SimInstallation,
  appId: number,
  appSlug: string,
  baseUrl: string,
): Body {
  const base = restBase('GET /app/installations', baseUrl)[0] as Body;
  return {
    ...base,
    id: i.id,
    app_id: appId,
    app_slug: appSlug,
    account: toAccount(
      { ...base.account, type: i.account.type },
      i.account.login,
      i.account.id,
      baseUrl,
    ),
    target_id: i.account.id,
    target_type: i.account.type,
    repository_selection: 'all',
    permissions: { ...i.permissions },
    access_tokens_url: `${baseUrl}/app/installations/${i.id}/access_tokens`,
    repositories_url: `${baseUrl}/installation/repositories`,
    html_url: `https://github.com/organizations/${i.account.login}/settings/installations/${i.id}`,
    created_at: '2024-01-01T00:00:00Z',
    updated_at: '2024-01-01T00:00:00Z',
    suspended_at: null,
    suspended_by: null,
  };
}

/** The API base URL of a `.../repos/{owner}/{repo}` URL. */
const apiOf = (repoUrl: string): string => repoUrl.replace(/\/repos\/[^/]+\/[^/]+$/, '');

function gitUser(s: Signature) {
  return { name: s.name, email: s.email, date: s.date };
}

/** GitHub's verification of a commit steering writes: never signed. */
const unsigned = () => ({
  verified: false,
  reason: 'unsigned',
  signature: null,
  payload: null,
  verified_at: null,
});

export function toGitCommit(sha: string, c: CommitObject, repoUrl: string, op = 'GET'): Body {
  const base = restBase(
    op === 'POST'
      ? 'POST /repos/{owner}/{repo}/git/commits'
      : 'GET /repos/{owner}/{repo}/git/commits/{commit_sha}',
    '',
  );
  return {
    ...base,
    sha,
    node_id: nodeId('Commit', sha),
    url: `${repoUrl}/git/commits/${sha}`,
    html_url: `https://github.com/commit/${sha}`,
    message: c.message,
    author: gitUser(c.author),
    committer: gitUser(c.committer),
    tree: { sha: c.tree, url: `${repoUrl}/git/trees/${c.tree}` },
    parents: c.parents.map((p) => ({
      sha: p,
      url: `${repoUrl}/git/commits/${p}`,
      html_url: `https://github.com/commit/${p}`,
    })),
    verification: unsigned(),
  };
}

/** The REST "commit" shape (branches, list commits, compare): git data plus GitHub users. */
export function toCommit(sha: string, c: CommitObject, repoUrl: string): Body {
  const api = apiOf(repoUrl);
  const base = restBase('GET /repos/{owner}/{repo}/commits', api)[0] as Body;
  const account = (login: string | undefined) =>
    login ? toAccount(base.author ?? {}, login, idOf(login), api) : null;
  return {
    ...base,
    sha,
    node_id: nodeId('Commit', sha),
    url: `${repoUrl}/commits/${sha}`,
    html_url: `https://github.com/commit/${sha}`,
    comments_url: `${repoUrl}/commits/${sha}/comments`,
    commit: {
      ...base.commit,
      url: `${repoUrl}/git/commits/${sha}`,
      message: c.message,
      author: gitUser(c.author),
      committer: gitUser(c.committer),
      tree: { sha: c.tree, url: `${repoUrl}/git/trees/${c.tree}` },
      comment_count: 0,
      verification: unsigned(),
    },
    author: account(c.author.login ?? undefined),
    committer: account(c.committer.login ?? undefined),
    parents: c.parents.map((p) => ({
      sha: p,
      url: `${repoUrl}/commits/${p}`,
      html_url: `https://github.com/commit/${p}`,
    })),
  };
}

export function toLabel(name: string, baseUrl: string, repo: SimRepo): Body {
  const base = restBase(
    'POST /repos/{owner}/{repo}/issues/{issue_number}/labels',
    baseUrl,
  )[0] as Body;
  const id = idOf(`label:${name}`);
  return {
    ...base,
    id,
    node_id: nodeId('Label', id),
    url: `${baseUrl}/repos/${repo.owner}/${repo.name}/labels/${encodeURIComponent(name)}`,
    name,
    color: 'ededed',
    default: false,
    description: null,
  };
}

/** A pull request in the shape of `base` (REST `pull-request` or a webhook's `pull_request`). */
export function fillPull(
  base: Body,
  r: SimRepo,
  p: SimPull,
  baseUrl: string,
  repoBase: Body,
): Body {
  const url = `${baseUrl}/repos/${r.owner}/${r.name}`;
  const headSha = p.headSha ?? r.refs.get(`heads/${p.head}`) ?? p.lastHeadSha;
  const baseSha = r.refs.get(`heads/${p.base}`) ?? '';
  const repo = fillRepo(repoBase, r, baseUrl);
  const side = (b: Body, ref: string, sha: string) => ({
    ...b,
    label: `${r.owner}:${ref}`,
    ref,
    sha,
    user: toAccount(b.user ?? {}, r.owner, r.ownerId, baseUrl),
    repo,
  });
  const closed = p.state === 'closed';
  return {
    ...base,
    url: `${url}/pulls/${p.number}`,
    id: p.id,
    node_id: nodeId('PullRequest', p.id),
    html_url: `https://github.com/${r.owner}/${r.name}/pull/${p.number}`,
    diff_url: `https://github.com/${r.owner}/${r.name}/pull/${p.number}.diff`,
    patch_url: `https://github.com/${r.owner}/${r.name}/pull/${p.number}.patch`,
    issue_url: `${url}/issues/${p.number}`,
    commits_url: `${url}/pulls/${p.number}/commits`,
    review_comments_url: `${url}/pulls/${p.number}/comments`,
    comments_url: `${url}/issues/${p.number}/comments`,
    statuses_url: `${url}/statuses/${headSha}`,
    number: p.number,
    state: p.state,
    locked: false,
    title: p.title,
    body: p.body,
    user: toAccount(base.user ?? {}, p.user, idOf(p.user), baseUrl),
    labels: p.labels.map((name) => toLabel(name, baseUrl, r)),
    milestone: null,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    created_at: p.createdAt,
    updated_at: p.updatedAt,
    closed_at: closed ? (p.closedAt ?? p.updatedAt) : null,
    merged_at: p.mergedAt,
    merge_commit_sha: p.mergeCommitSha,
    head: side(base.head ?? {}, p.head, headSha),
    base: side(base.base ?? {}, p.base, baseSha),
    auto_merge: null,
    active_lock_reason: null,
    draft: p.draft,
    merged: p.merged,
    mergeable: p.mergeable,
    rebaseable: p.mergeable,
    mergeable_state: p.mergeable === null ? 'unknown' : p.mergeable ? 'clean' : 'dirty',
    merged_by: p.mergedBy
      ? toAccount(base.user ?? {}, p.mergedBy, idOf(p.mergedBy), baseUrl)
      : null,
    comments: r.comments.filter((c) => c.issueNumber === p.number).length,
    review_comments: 0,
    commits: Math.max(1, p.commits),
    author_association: 'NONE',
  };
}

export function toPull(r: SimRepo, p: SimPull, baseUrl: string): Body {
  const base = restBase('GET /repos/{owner}/{repo}/pulls/{pull_number}', baseUrl);
  return fillPull(base, r, p, baseUrl, base.head.repo as Body);
}

export function toCheckRun(
  r: SimRepo,
  c: SimCheckRun,
  baseUrl: string,
  appSlug: string,
  appId: number,
): Body {
  const base = restBase('POST /repos/{owner}/{repo}/check-runs', baseUrl);
  const url = `${baseUrl}/repos/${r.owner}/${r.name}`;
  return {
    ...base,
    id: c.id,
    node_id: nodeId('CheckRun', c.id),
    head_sha: c.headSha,
    external_id: c.externalId,
    url: `${url}/check-runs/${c.id}`,
    html_url: `https://github.com/${r.owner}/${r.name}/runs/${c.id}`,
    details_url: c.detailsUrl,
    status: c.status,
    conclusion: c.conclusion,
    started_at: c.startedAt,
    completed_at: c.completedAt,
    name: c.name,
    output: {
      ...base.output,
      title: c.output.title,
      summary: c.output.summary,
      text: c.output.text,
      annotations_count: c.annotations.length,
      annotations_url: `${url}/check-runs/${c.id}/annotations`,
    },
    check_suite: { id: c.suiteId },
    app: base.app ? { ...base.app, id: appId, slug: appSlug, name: appSlug } : null,
    pull_requests: [],
  };
}

export const nowIso = (ms: number): string => iso(ms);
