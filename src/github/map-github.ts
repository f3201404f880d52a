/** GitHub REST bodies → steering's plain port types. */
import type {
  CheckAnnotation,
  CheckRunInput,
  CommitInfo,
  PullRequestInfo,
  RepositoryInfo,
} from './port.js';

interface RepoLike {
  id: number;
  name: string;
  full_name: string;
  owner: { login: string } | null;
  default_branch?: string;
  archived?: boolean;
  fork: boolean;
  private: boolean;
  topics?: string[];
}

export function toRepositoryInfo(r: RepoLike): RepositoryInfo {
  const owner = r.owner?.login ?? r.full_name.split('/')[0] ?? '';
  return {
    id: r.id,
    owner,
    name: r.name,
    fullName: r.full_name,
    defaultBranch: r.default_branch ?? 'main',
    archived: r.archived ?? false,
    fork: r.fork,
    private: r.private,
    topics: r.topics ?? [],
  };
}

interface PullLike {
  number: number;
  state: string;
  merged?: boolean | null;
  merged_at?: string | null;
  title: string;
  body: string | null;
  html_url: string;
  head: { ref: string; sha: string };
  base: { ref: string };
  labels: ({ name?: string } | string)[];
}

export function toPullRequestInfo(p: PullLike): PullRequestInfo {
  return {
    number: p.number,
    state: p.state === 'open' ? 'open' : 'closed',
    merged: Boolean(p.merged ?? p.merged_at),
    title: p.title,
    body: p.body ?? '',
    headRef: p.head.ref,
    headSha: p.head.sha,
    baseRef: p.base.ref,
    htmlUrl: p.html_url,
    labels: p.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))),
  };
}

interface CommitLike {
  sha: string;
  commit: { message: string };
  author: { login?: string } | null | Record<string, never>;
  committer: { login?: string } | null | Record<string, never>;
  parents: { sha: string }[];
}

export function toCommitInfo(c: CommitLike): CommitInfo {
  return {
    sha: c.sha,
    message: c.commit.message,
    authorLogin: (c.author && 'login' in c.author && c.author.login) || null,
    committerLogin: (c.committer && 'login' in c.committer && c.committer.login) || null,
    parents: c.parents.map((p) => p.sha),
  };
}

const toAnnotation = (a: CheckAnnotation) => ({
  path: a.path,
  start_line: a.startLine,
  end_line: a.endLine,
  annotation_level: a.level,
  message: a.message,
  ...(a.title ? { title: a.title } : {}),
});

export const ANNOTATIONS_PER_REQUEST = 50;

/**
 * The check-run request bodies for one create/update: the first carries everything and the first
 * 50 annotations; each further body repeats title/summary and carries the next 50.
 */
export function checkRunBodies(input: Partial<CheckRunInput>): Record<string, unknown>[] {
  const base: Record<string, unknown> = {};
  if (input.name !== undefined) base.name = input.name;
  if (input.headSha !== undefined) base.head_sha = input.headSha;
  if (input.status !== undefined) base.status = input.status;
  if (input.conclusion !== undefined) base.conclusion = input.conclusion;
  if (input.detailsUrl !== undefined) base.details_url = input.detailsUrl;
  if (input.externalId !== undefined) base.external_id = input.externalId;
  if (!input.output) return [base];
  const { title, summary, text } = input.output;
  const all = (input.output.annotations ?? []).map(toAnnotation);
  const bodies: Record<string, unknown>[] = [];
  for (let i = 0; i === 0 || i < all.length; i += ANNOTATIONS_PER_REQUEST) {
    const annotations = all.slice(i, i + ANNOTATIONS_PER_REQUEST);
    const output = { title, summary, ...(text === undefined ? {} : { text }), annotations };
    bodies.push(i === 0 ? { ...base, output } : { output });
  }
  return bodies;
}
