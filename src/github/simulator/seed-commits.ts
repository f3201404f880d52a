/**
 * Seed helpers that write history as a person would (not over HTTP): commits on a branch, merges
 * of pull requests, and reading back files, branches and pull requests.
 */
import type { Clock } from '../clock.js';
import type { EventContext } from './emit-events.js';
import { emitPull, emitPush } from './emit-events.js';
import { buildTree, flattenTree, writeBlob, writeCommit, type Signature } from './git-objects.js';
import { iso } from './http-kit.js';
import { mergePull, onHeadMoved } from './merge-pull.js';
import type { PushInput } from './seed.js';
import { repoKey, type SimBehaviour, type SimPull, type SimRepo, type SimState } from './state.js';
import { noreplyEmail } from './to-json.js';

export interface SeedContext {
  state: SimState;
  clock: Clock;
  events: EventContext;
  behaviour: SimBehaviour;
}

export function getRepo(state: SimState, owner: string, name: string): SimRepo {
  const repo = state.repos.get(repoKey(owner, name));
  if (!repo) throw new Error(`simulator: no repository ${owner}/${name}`);
  return repo;
}

const signature = (clock: Clock, login: string): Signature => ({
  name: login,
  email: noreplyEmail(login),
  date: iso(clock.now()),
  login,
});

/** A commit on top of `parent` (or a root commit) changing `files` (null deletes); its sha. */
export function commitFiles(
  clock: Clock,
  repo: SimRepo,
  parent: string | undefined,
  files: Record<string, string | null>,
  message: string,
  login: string,
): string {
  let flat = new Map<string, { mode: string; sha: string }>();
  if (parent) {
    const c = repo.objects.get(parent);
    if (c?.type === 'commit') flat = flattenTree(repo.objects, c.tree);
  }
  for (const [path, content] of Object.entries(files)) {
    if (content === null) flat.delete(path);
    else flat.set(path, { mode: '100644', sha: writeBlob(repo.objects, Buffer.from(content)) });
  }
  const tree = buildTree(repo.objects, flat);
  return writeCommit(repo.objects, {
    tree,
    parents: parent ? [parent] : [],
    message,
    author: signature(clock, login),
    committer: signature(clock, login),
  });
}

export function pushCommit(ctx: SeedContext, input: PushInput): string {
  const { events, behaviour, clock } = ctx;
  const repo = getRepo(ctx.state, input.owner, input.repo);
  const parent =
    repo.refs.get(`heads/${input.branch}`) ??
    repo.refs.get(`heads/${input.from ?? repo.defaultBranch}`);
  const login = input.login ?? 'octocat';
  const before = repo.refs.get(`heads/${input.branch}`);
  const sha = commitFiles(clock, repo, parent, input.files, input.message ?? 'Update files', login);
  repo.refs.set(`heads/${input.branch}`, sha);
  emitPush(events, repo, `heads/${input.branch}`, before, sha, login);
  if (before)
    onHeadMoved({ events, behaviour, clock }, repo, `heads/${input.branch}`, before, sha, login);
  return sha;
}

export function mergePullAsPerson(
  ctx: SeedContext,
  owner: string,
  name: string,
  number: number,
  login: string,
): string {
  const { events, clock } = ctx;
  const repo = getRepo(ctx.state, owner, name);
  const pull = repo.pulls.find((p) => p.number === number && p.state === 'open');
  if (!pull) throw new Error(`simulator: no open pull request #${number} in ${owner}/${name}`);
  const before = repo.refs.get(`heads/${pull.base}`);
  const sha = mergePull(repo, pull, signature(clock, login), iso(clock.now()));
  emitPull(events, repo, pull, 'closed', login);
  emitPush(events, repo, `heads/${pull.base}`, before, sha, login);
  if (repo.deleteBranchOnMerge) {
    const head = repo.refs.get(`heads/${pull.head}`);
    repo.refs.delete(`heads/${pull.head}`);
    emitPush(events, repo, `heads/${pull.head}`, head, undefined, login);
  }
  return sha;
}

export function listPulls(state: SimState, owner: string, name: string): SimPull[] {
  return getRepo(state, owner, name).pulls;
}

export function readFile(
  state: SimState,
  owner: string,
  name: string,
  ref: string,
  path: string,
): string | null {
  const repo = getRepo(state, owner, name);
  const sha = repo.refs.get(`heads/${ref}`) ?? ref;
  const c = repo.objects.get(sha);
  if (c?.type !== 'commit') return null;
  const entry = flattenTree(repo.objects, c.tree).get(path);
  const blob = entry ? repo.objects.get(entry.sha) : undefined;
  return blob?.type === 'blob' ? blob.content.toString('utf8') : null;
}

export function branchHead(
  state: SimState,
  owner: string,
  name: string,
  branch: string,
): string | undefined {
  return getRepo(state, owner, name).refs.get(`heads/${branch}`);
}
