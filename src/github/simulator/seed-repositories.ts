/**
 * Seed helpers for installations and repositories, acting on the simulator's state directly:
 * create them, archive, rename, take access away; each sends the webhook GitHub would.
 */
import { emitInstallation, emitInstallationRepositories, emitRepository } from './emit-events.js';
import { commitFiles, getRepo, type SeedContext } from './seed-commits.js';
import type { SeedRepoInput } from './seed.js';
import { DEFAULT_PERMISSIONS, nextId, repoKey, type SimRepo, type SimState } from './state.js';

function installationOf(state: SimState, repo: SimRepo) {
  const i = state.installations.get(repo.installationId);
  if (!i) throw new Error(`simulator: no installation ${repo.installationId}`);
  return i;
}

export function addInstallation(
  state: SimState,
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

export function addRepo(ctx: SeedContext, input: SeedRepoInput): SimRepo {
  const { state } = ctx;
  const installationId = input.installationId ?? addInstallation(state, input.owner);
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
      commitFiles(ctx.clock, repo, undefined, files, 'Initial commit', 'octocat'),
    );
  state.repos.set(repoKey(input.owner, input.name), repo);
  if (input.announce)
    emitInstallationRepositories(
      ctx.events,
      installationOf(state, repo),
      [repo],
      'added',
      'octocat',
    );
  return repo;
}

export function announceInstallation(ctx: SeedContext, installationId: number, login: string) {
  const i = ctx.state.installations.get(installationId);
  if (!i) throw new Error(`simulator: no installation ${installationId}`);
  const repos = [...ctx.state.repos.values()].filter((r) => r.installationId === installationId);
  emitInstallation(ctx.events, i, repos, 'created', login);
}

export function setInstallationPermissions(
  state: SimState,
  installationId: number,
  permissions: Record<string, 'read' | 'write'>,
): void {
  const i = state.installations.get(installationId);
  if (!i) throw new Error(`simulator: no installation ${installationId}`);
  i.permissions = { ...permissions };
}

export function archiveRepo(ctx: SeedContext, owner: string, name: string, archived: boolean) {
  const repo = getRepo(ctx.state, owner, name);
  repo.archived = archived;
  emitRepository(ctx.events, repo, archived ? 'archived' : 'unarchived', 'octocat');
}

export function renameRepo(ctx: SeedContext, owner: string, name: string, newName: string) {
  const { state } = ctx;
  const repo = getRepo(state, owner, name);
  const oldKey = repoKey(owner, name);
  state.repos.delete(oldKey);
  repo.name = newName;
  state.repos.set(repoKey(owner, newName), repo);
  state.redirects.set(oldKey, repoKey(owner, newName));
  emitRepository(ctx.events, repo, 'renamed', 'octocat', { repository: { name: { from: name } } });
}

export function removeRepoFromInstallation(ctx: SeedContext, owner: string, name: string) {
  const repo = getRepo(ctx.state, owner, name);
  emitInstallationRepositories(
    ctx.events,
    installationOf(ctx.state, repo),
    [repo],
    'removed',
    'octocat',
  );
  repo.installationId = -1;
}
