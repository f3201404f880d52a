/**
 * The simulator's world: installations, repositories (each with its own object store, refs,
 * pull requests, comments and check runs) and the tokens it has issued. Plain data, mutated by
 * the route handlers and by the test helpers in `seed.ts`.
 */
import type { ObjectStore } from './git-objects.js';

export interface SimInstallation {
  id: number;
  account: { login: string; id: number; type: 'Organization' | 'User' };
}

export interface SimPull {
  id: number;
  number: number;
  state: 'open' | 'closed';
  merged: boolean;
  mergedAt: string | null;
  title: string;
  body: string;
  head: string;
  base: string;
  /** Head sha captured at merge or close (the branch may be deleted afterwards). */
  headSha: string | null;
  draft: boolean;
  user: string;
  labels: string[];
  createdAt: string;
  updatedAt: string;
}

export interface SimComment {
  id: number;
  issueNumber: number;
  body: string;
  user: string;
  createdAt: string;
}

export interface SimCheckRun {
  id: number;
  name: string;
  headSha: string;
  status: string;
  conclusion: string | null;
  externalId: string | null;
  detailsUrl: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  annotations: unknown[];
  startedAt: string;
  completedAt: string | null;
}

export interface SimRepo {
  id: number;
  owner: string;
  name: string;
  installationId: number;
  defaultBranch: string;
  archived: boolean;
  fork: boolean;
  private: boolean;
  topics: string[];
  objects: ObjectStore;
  /** `heads/main` → sha */
  refs: Map<string, string>;
  pulls: SimPull[];
  comments: SimComment[];
  checkRuns: SimCheckRun[];
  /** Issue and PR numbers share one sequence, as on GitHub. */
  nextNumber: number;
}

export interface TokenIdentity {
  login: string;
  /** Installation tokens see only that installation's repositories; others see every repo. */
  installationId?: number;
  expiresAt?: number;
}

export interface SimApp {
  id: number;
  slug: string;
  publicKey: string;
}

export interface SimState {
  app: SimApp | undefined;
  installations: Map<number, SimInstallation>;
  /** Keyed by lower-case `owner/name`. */
  repos: Map<string, SimRepo>;
  tokens: Map<string, TokenIdentity>;
  nextId: number;
}

export function createState(): SimState {
  return {
    app: undefined,
    installations: new Map(),
    repos: new Map(),
    tokens: new Map(),
    nextId: 1000,
  };
}

export function repoKey(owner: string, name: string): string {
  return `${owner}/${name}`.toLowerCase();
}

export function nextId(state: SimState): number {
  state.nextId += 1;
  return state.nextId;
}
