/**
 * Response bodies, typed against GitHub's OpenAPI schemas (`@octokit/openapi-types`). Each body
 * is a `Pick` of the published schema: the fields steering reads, with GitHub's names and types.
 */
import type { components } from '@octokit/openapi-types';
import { iso } from './http-kit.js';
import type { CommitObject, Signature } from './git-objects.js';
import type { SimCheckRun, SimInstallation, SimPull, SimRepo } from './state.js';

type S = components['schemas'];

type Owner = Pick<S['simple-user'], 'login' | 'id' | 'type'>;

export type RepoBody = Pick<
  S['full-repository'],
  | 'id'
  | 'node_id'
  | 'name'
  | 'full_name'
  | 'private'
  | 'fork'
  | 'archived'
  | 'disabled'
  | 'topics'
  | 'default_branch'
  | 'html_url'
  | 'url'
  | 'visibility'
> & { owner: Owner };

export function toRepo(r: SimRepo, baseUrl: string, ownerId = 1): RepoBody {
  return {
    id: r.id,
    node_id: Buffer.from(`Repository:${r.id}`).toString('base64'),
    name: r.name,
    full_name: `${r.owner}/${r.name}`,
    owner: { login: r.owner, id: ownerId, type: 'Organization' },
    private: r.private,
    fork: r.fork,
    archived: r.archived,
    disabled: false,
    topics: [...r.topics],
    default_branch: r.defaultBranch,
    html_url: `https://github.com/${r.owner}/${r.name}`,
    url: `${baseUrl}/repos/${r.owner}/${r.name}`,
    visibility: r.private ? 'private' : 'public',
  };
}

export type InstallationBody = Pick<
  S['installation'],
  'id' | 'app_id' | 'target_type' | 'repository_selection' | 'created_at' | 'updated_at'
> & { account: Owner };

export function toInstallation(i: SimInstallation, appId: number): InstallationBody {
  return {
    id: i.id,
    app_id: appId,
    account: { login: i.account.login, id: i.account.id, type: i.account.type },
    target_type: i.account.type,
    repository_selection: 'all',
    created_at: '2024-01-01T00:00:00Z',
    updated_at: '2024-01-01T00:00:00Z',
  };
}

type GitUser = S['git-commit']['author'];
function gitUser(s: Signature): GitUser {
  return { name: s.name, email: s.email, date: s.date };
}

export type GitCommitBody = Pick<
  S['git-commit'],
  'sha' | 'url' | 'message' | 'author' | 'committer'
> & {
  tree: { sha: string };
  parents: { sha: string }[];
};

export function toGitCommit(sha: string, c: CommitObject, repoUrl: string): GitCommitBody {
  return {
    sha,
    url: `${repoUrl}/git/commits/${sha}`,
    message: c.message,
    author: gitUser(c.author),
    committer: gitUser(c.committer),
    tree: { sha: c.tree },
    parents: c.parents.map((p) => ({ sha: p })),
  };
}

/** The REST "commit" shape (compare, list commits): git data plus GitHub users by login. */
export type CommitBody = Pick<S['commit'], 'sha' | 'url' | 'html_url'> & {
  commit: { message: string; author: GitUser; committer: GitUser; tree: { sha: string } };
  author: { login: string } | null;
  committer: { login: string } | null;
  parents: { sha: string }[];
};

export function toCommit(sha: string, c: CommitObject, repoUrl: string): CommitBody {
  return {
    sha,
    url: `${repoUrl}/commits/${sha}`,
    html_url: `https://github.com/commit/${sha}`,
    commit: {
      message: c.message,
      author: gitUser(c.author),
      committer: gitUser(c.committer),
      tree: { sha: c.tree },
    },
    author: c.author.login ? { login: c.author.login } : null,
    committer: c.committer.login ? { login: c.committer.login } : null,
    parents: c.parents.map((p) => ({ sha: p })),
  };
}

type PR = S['pull-request'];
export type PullBody = Pick<
  PR,
  | 'id'
  | 'number'
  | 'state'
  | 'title'
  | 'body'
  | 'url'
  | 'html_url'
  | 'merged'
  | 'merged_at'
  | 'closed_at'
  | 'created_at'
  | 'updated_at'
  | 'draft'
  | 'mergeable_state'
> & {
  head: Pick<PR['head'], 'ref' | 'sha' | 'label'>;
  base: Pick<PR['base'], 'ref' | 'sha' | 'label'>;
  labels: { name: string }[];
  user: Owner;
};

export function toPull(r: SimRepo, p: SimPull, baseUrl: string): PullBody {
  const headSha = p.headSha ?? r.refs.get(`heads/${p.head}`) ?? '';
  return {
    id: p.id,
    number: p.number,
    state: p.state,
    title: p.title,
    body: p.body,
    url: `${baseUrl}/repos/${r.owner}/${r.name}/pulls/${p.number}`,
    html_url: `https://github.com/${r.owner}/${r.name}/pull/${p.number}`,
    merged: p.merged,
    merged_at: p.mergedAt,
    closed_at: p.state === 'closed' ? p.updatedAt : null,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
    draft: p.draft,
    mergeable_state: p.state === 'open' ? 'clean' : 'unknown',
    head: { ref: p.head, sha: headSha, label: `${r.owner}:${p.head}` },
    base: { ref: p.base, sha: r.refs.get(`heads/${p.base}`) ?? '', label: `${r.owner}:${p.base}` },
    labels: p.labels.map((name) => ({ name })),
    user: { login: p.user, id: 1, type: 'Bot' },
  };
}

export type CheckRunBody = Pick<
  S['check-run'],
  | 'id'
  | 'name'
  | 'head_sha'
  | 'status'
  | 'conclusion'
  | 'external_id'
  | 'details_url'
  | 'started_at'
  | 'completed_at'
> & {
  output: {
    title: string | null;
    summary: string | null;
    text: string | null;
    annotations_count: number;
  };
};

export function toCheckRun(c: SimCheckRun): CheckRunBody {
  return {
    id: c.id,
    name: c.name,
    head_sha: c.headSha,
    status: c.status as CheckRunBody['status'],
    conclusion: c.conclusion as CheckRunBody['conclusion'],
    external_id: c.externalId,
    details_url: c.detailsUrl,
    started_at: c.startedAt,
    completed_at: c.completedAt,
    output: { ...c.output, annotations_count: c.annotations.length },
  };
}

export const nowIso = (ms: number): string => iso(ms);

export type RefBody = S['git-ref'];
export type TreeBody = S['git-tree'];
export type BlobBody = Pick<S['blob'], 'sha' | 'node_id' | 'size' | 'url' | 'content' | 'encoding'>;
export type ContentFileBody = Pick<
  S['content-file'],
  'type' | 'encoding' | 'size' | 'name' | 'path' | 'sha' | 'content' | 'url'
>;
export type TokenBody = Pick<
  S['installation-token'],
  'token' | 'expires_at' | 'permissions' | 'repository_selection'
>;
export type CommentBody = Pick<S['issue-comment'], 'id' | 'body' | 'created_at'> & {
  user: { login: string };
};
export type ComparisonBody = Pick<
  S['commit-comparison'],
  'url' | 'status' | 'ahead_by' | 'behind_by' | 'total_commits'
> & { base_commit: CommitBody; commits: CommitBody[]; files: never[] };
