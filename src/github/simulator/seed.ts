/**
 * Test and demo helpers that act on the simulator's state directly (not over HTTP): seed
 * installations and repositories with files, push commits as a human, merge pull requests,
 * delete repositories, and read back what steering did.
 */
import type { Clock } from '../clock.js';
import type { EventContext } from './emit-events.js';
import {
  branchHead,
  getRepo,
  listPulls,
  mergePullAsPerson,
  pushCommit,
  readFile,
  type SeedContext,
} from './seed-commits.js';
import {
  addInstallation,
  addRepo,
  announceInstallation,
  archiveRepo,
  removeRepoFromInstallation,
  renameRepo,
  setInstallationPermissions,
} from './seed-repositories.js';
import { repoKey, type SimBehaviour, type SimState, type TokenIdentity } from './state.js';

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
  const ctx: SeedContext = { state, clock, events, behaviour };
  return {
    addInstallation: (account: string, options?: Parameters<typeof addInstallation>[2]) =>
      addInstallation(state, account, options),
    getRepo: (owner: string, name: string) => getRepo(state, owner, name),
    addToken(token: string, identity: TokenIdentity): void {
      state.tokens.set(token, identity);
    },
    addRepo: (input: SeedRepoInput) => addRepo(ctx, input),
    /** Send `installation.created` for an installation and its repositories. */
    announceInstallation: (installationId: number, login = 'octocat') =>
      announceInstallation(ctx, installationId, login),
    /** Narrow (or widen) what an installation may do; its existing tokens follow. */
    setInstallationPermissions: (
      installationId: number,
      permissions: Record<string, 'read' | 'write'>,
    ) => setInstallationPermissions(state, installationId, permissions),
    /** Archive (read-only) or unarchive a repository; sends `repository.archived|unarchived`. */
    archiveRepo: (owner: string, name: string, archived = true) =>
      archiveRepo(ctx, owner, name, archived),
    /** Rename a repository: the old name answers 301/307 to the new one; sends `repository.renamed`. */
    renameRepo: (owner: string, name: string, newName: string) =>
      renameRepo(ctx, owner, name, newName),
    /** Take the App's access away; sends `installation_repositories.removed`. */
    removeRepoFromInstallation: (owner: string, name: string) =>
      removeRepoFromInstallation(ctx, owner, name),
    /** A commit by a person (not the App) on `branch`; returns its sha. */
    pushCommit: (input: PushInput) => pushCommit(ctx, input),
    mergePull: (owner: string, name: string, number: number, login = 'octocat') =>
      mergePullAsPerson(ctx, owner, name, number, login),
    deleteRepo(owner: string, name: string): void {
      state.repos.delete(repoKey(owner, name));
    },
    listPulls: (owner: string, name: string) => listPulls(state, owner, name),
    /** A file's content on a branch or commit, or null. */
    readFile: (owner: string, name: string, ref: string, path: string) =>
      readFile(state, owner, name, ref, path),
    branchHead: (owner: string, name: string, branch: string) =>
      branchHead(state, owner, name, branch),
  };
}

export type SeedHelpers = ReturnType<typeof createSeedHelpers>;
