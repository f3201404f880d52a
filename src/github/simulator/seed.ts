/**
 * Test and demo helpers that act on the simulator's state directly (not over HTTP): seed
 * installations and repositories with files, push commits as a human, merge pull requests,
 * delete repositories, and read back what steering did.
 */
import type { Clock } from '../clock.js';
import { buildTree, flattenTree, writeBlob, writeCommit, type Signature } from './git-objects.js';
import { iso } from './http-kit.js';
import { noreplyEmail } from './to-json.js';
import {
  emitInstallation,
  emitInstallationRepositories,
  emitPull,
  emitPush,
  emitRepository,
  type EventContext,
} from './emit-events.js';
import { mergePull, onHeadMoved } from './merge-pull.js';
import {
  DEFAULT_PERMISSIONS,
  nextId,
  repoKey,
  type SimBehaviour,
  type SimPull,
  type SimRepo,
  type SimState,
  type TokenIdentity,
} from './state.js';

export interface SeedRepoInput {
  owner: string;
  name: string;
  /** Default: the installation of `owner`, created when missing. */
  installationId?: number;
  defaultBranch?: string;
  /** path → content of the initial commit. Default `{ 'README.md': '# <name>\n' }`. */
  files?: Record<string, string>;
  topics?: string[];
  archived?: boolean;
  fork?: boolean;
  private?: boolean;
  /** No commit at all (GitHub answers 409 to git data). Default false. */
  empty?: boolean;
  /** GitHub deletes the head branch after a merge. Default false. */
  deleteBranchOnMerge?: boolean;
  /** Send `installation_repositories.added` (the App was given access to it). Default false. */
  announce?: boolean;
}

export interface PushInput {
  owner: string;
  repo: string;
  branch: string;
  /** path → new content, or null to delete. */
  files: Record<string, string | null>;
  message?: string;
  /** Default `octocat` (a human). */
  login?: string;
  /** Create the branch from this branch when it does not exist. Default: the default branch. */
  from?: string;
}

export function createSeedHelpers(
  state: SimState,
  clock: Clock,
  events: EventContext,
  behaviour: SimBehaviour,
) {
  const sig = (login: string): Signature => ({
    name: login,
    email: noreplyEmail(login),
    date: iso(clock.now()),
    login,
  });

  function getRepo(owner: string, name: string): SimRepo {
    const repo = state.repos.get(repoKey(owner, name));
    if (!repo) throw new Error(`simulator: no repository ${owner}/${name}`);
    return repo;
  }

  function addInstallation(
    account: string,
    options: {
      id?: number;
      type?: 'Organization' | 'User';
      permissions?: Record<string, 'read' | 'write'>;
    } = {},
  ): number {
    const existing = [...state.installations.values()].find((i) => i.account.login === account);
    if (existing) return existing.id;
    const id = options.id ?? nextId(state);
    state.installations.set(id, {
      id,
      account: { login: account, id: nextId(state), type: options.type ?? 'Organization' },
      permissions: { ...(options.permissions ?? DEFAULT_PERMISSIONS) },
    });
    return id;
  }
  const installationOf = (repo: SimRepo) => {
    const i = state.installations.get(repo.installationId);
    if (!i) throw new Error(`simulator: no installation ${repo.installationId}`);
    return i;
  };

  function commitFiles(
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
      author: sig(login),
      committer: sig(login),
    });
  }

  return {
    addInstallation,
    getRepo,
    addToken(token: string, identity: TokenIdentity): void {
      state.tokens.set(token, identity);
    },
    addRepo(input: SeedRepoInput): SimRepo {
      const installationId = input.installationId ?? addInstallation(input.owner);
      const repo: SimRepo = {
        id: nextId(state),
        owner: input.owner,
        ownerId: state.installations.get(installationId)?.account.id ?? 1,
        name: input.name,
        installationId,
        defaultBranch: input.defaultBranch ?? 'main',
        archived: input.archived ?? false,
        fork: input.fork ?? false,
        private: input.private ?? true,
        topics: input.topics ?? [],
        objects: new Map(),
        refs: new Map(),
        pulls: [],
        comments: [],
        checkRuns: [],
        nextNumber: 1,
        statuses: [],
        suites: new Map(),
        deleteBranchOnMerge: input.deleteBranchOnMerge ?? false,
        refTimes: new Map(),
        headInvalidSeen: new Set(),
      };
      const files = input.files ?? { 'README.md': `# ${input.name}\n` };
      if (!input.empty)
        repo.refs.set(
          `heads/${repo.defaultBranch}`,
          commitFiles(repo, undefined, files, 'Initial commit', 'octocat'),
        );
      state.repos.set(repoKey(input.owner, input.name), repo);
      if (input.announce)
        emitInstallationRepositories(events, installationOf(repo), [repo], 'added', 'octocat');
      return repo;
    },
    /** Send `installation.created` for an installation and its repositories. */
    announceInstallation(installationId: number, login = 'octocat'): void {
      const i = state.installations.get(installationId);
      if (!i) throw new Error(`simulator: no installation ${installationId}`);
      const repos = [...state.repos.values()].filter((r) => r.installationId === installationId);
      emitInstallation(events, i, repos, 'created', login);
    },
    /** Narrow (or widen) what an installation may do; its existing tokens follow. */
    setInstallationPermissions(
      installationId: number,
      permissions: Record<string, 'read' | 'write'>,
    ): void {
      const i = state.installations.get(installationId);
      if (!i) throw new Error(`simulator: no installation ${installationId}`);
      i.permissions = { ...permissions };
    },
    /** Archive (read-only) or unarchive a repository; sends `repository.archived|unarchived`. */
    archiveRepo(owner: string, name: string, archived = true): void {
      const repo = getRepo(owner, name);
      repo.archived = archived;
      emitRepository(events, repo, archived ? 'archived' : 'unarchived', 'octocat');
    },
    /** Rename a repository: the old name answers 301/307 to the new one; sends `repository.renamed`. */
    renameRepo(owner: string, name: string, newName: string): void {
      const repo = getRepo(owner, name);
      const oldKey = repoKey(owner, name);
      state.repos.delete(oldKey);
      repo.name = newName;
      state.repos.set(repoKey(owner, newName), repo);
      state.redirects.set(oldKey, repoKey(owner, newName));
      emitRepository(events, repo, 'renamed', 'octocat', { repository: { name: { from: name } } });
    },
    /** Take the App's access away; sends `installation_repositories.removed`. */
    removeRepoFromInstallation(owner: string, name: string): void {
      const repo = getRepo(owner, name);
      emitInstallationRepositories(events, installationOf(repo), [repo], 'removed', 'octocat');
      repo.installationId = -1;
    },
    /** A commit by a person (not the App) on `branch`; returns its sha. */
    pushCommit(input: PushInput): string {
      const repo = getRepo(input.owner, input.repo);
      const parent =
        repo.refs.get(`heads/${input.branch}`) ??
        repo.refs.get(`heads/${input.from ?? repo.defaultBranch}`);
      const login = input.login ?? 'octocat';
      const before = repo.refs.get(`heads/${input.branch}`);
      const sha = commitFiles(repo, parent, input.files, input.message ?? 'Update files', login);
      repo.refs.set(`heads/${input.branch}`, sha);
      emitPush(events, repo, `heads/${input.branch}`, before, sha, login);
      if (before)
        onHeadMoved(
          { events, behaviour, clock },
          repo,
          `heads/${input.branch}`,
          before,
          sha,
          login,
        );
      return sha;
    },
    mergePull(owner: string, name: string, number: number, login = 'octocat'): string {
      const repo = getRepo(owner, name);
      const pull = repo.pulls.find((p) => p.number === number && p.state === 'open');
      if (!pull) throw new Error(`simulator: no open pull request #${number} in ${owner}/${name}`);
      const before = repo.refs.get(`heads/${pull.base}`);
      const sha = mergePull(repo, pull, sig(login), iso(clock.now()));
      emitPull(events, repo, pull, 'closed', login);
      emitPush(events, repo, `heads/${pull.base}`, before, sha, login);
      if (repo.deleteBranchOnMerge) {
        const head = repo.refs.get(`heads/${pull.head}`);
        repo.refs.delete(`heads/${pull.head}`);
        emitPush(events, repo, `heads/${pull.head}`, head, undefined, login);
      }
      return sha;
    },
    deleteRepo(owner: string, name: string): void {
      state.repos.delete(repoKey(owner, name));
    },
    listPulls(owner: string, name: string): SimPull[] {
      return getRepo(owner, name).pulls;
    },
    /** A file's content on a branch or commit, or null. */
    readFile(owner: string, name: string, ref: string, path: string): string | null {
      const repo = getRepo(owner, name);
      const sha = repo.refs.get(`heads/${ref}`) ?? ref;
      const c = repo.objects.get(sha);
      if (c?.type !== 'commit') return null;
      const entry = flattenTree(repo.objects, c.tree).get(path);
      const blob = entry ? repo.objects.get(entry.sha) : undefined;
      return blob?.type === 'blob' ? blob.content.toString('utf8') : null;
    },
    branchHead(owner: string, name: string, branch: string): string | undefined {
      return getRepo(owner, name).refs.get(`heads/${branch}`);
    },
  };
}

export type SeedHelpers = ReturnType<typeof createSeedHelpers>;
