/**
 * The simulator's world: installations, repositories (each with its own object store, refs,
 * pull requests, comments and check runs) and the tokens it has issued. Plain data, mutated by
 * the route handlers and by the test helpers in `seed.ts`.
 */
import { HookDeliveryLog } from './hook-deliveries.js';
import type { ObjectStore } from './git-objects.js';

export interface SimInstallation {
  id: number;
  account: { login: string; id: number; type: 'Organization' | 'User' };
  /** What the App may do in this installation (`checks: 'write'`, ...). */
  permissions: Record<string, 'read' | 'write'>;
}

/** The permissions of steering's App manifest (webhooks/app-manifest.json), unless a test says. */
export const DEFAULT_PERMISSIONS: Record<string, 'read' | 'write'> = {
  contents: 'write',
  pull_requests: 'write',
  checks: 'write',
  metadata: 'read',
};

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
  /** The head sha last seen while open (answers when the branch is gone). */
  lastHeadSha: string;
  closedAt: string | null;
  mergeCommitSha: string | null;
  mergedBy: string | null;
  /** null until GitHub has computed it (asynchronously, after a change of head or base). */
  mergeable: boolean | null;
  /** Simulated ms when mergeability becomes known. */
  mergeableAt: number;
  commits: number;
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
  suiteId: number;
}

export interface SimRepo {
  id: number;
  owner: string;
  ownerId: number;
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
  statuses: {
    id: number;
    sha: string;
    state: string;
    context: string;
    description: string | null;
    targetUrl: string | null;
    createdAt: string;
  }[];
  /** Check suites by head sha (one per sha for the App). */
  suites: Map<string, number>;
  /** Repository settings GitHub honours on merge. */
  deleteBranchOnMerge: boolean;
  /** Simulated ms each ref was last created or moved through the API. */
  refTimes: Map<string, number>;
  /** `branch@sha` heads that already answered "head invalid" once. */
  headInvalidSeen: Set<string>;
}

export interface TokenIdentity {
  login: string;
  /** Installation tokens see only that installation's repositories; others see every repo. */
  installationId?: number;
  expiresAt?: number;
  /** Installation tokens: narrower than the installation's when given. */
  permissions?: Record<string, 'read' | 'write'>;
}

/** GitHub behaviours whose figures tests may change (GitHub's own figures by default). */
export interface SimBehaviour {
  /** A recursive tree listing past this many entries is truncated. GitHub: 100,000. */
  treeEntryLimit: number;
  /** Files of this size and more come back from the contents API without content. GitHub: 1 MB. */
  largeFileBytes: number;
  /** Simulated ms GitHub takes to compute a pull request's mergeability. Default 2000. */
  mergeabilityDelayMs: number;
  /**
   * A pull request created within this many simulated ms of its head branch's creation answers
   * 422 "head invalid" once, then succeeds on retry. Default 0 (off).
   */
  headInvalidWindowMs: number;
}

export const GITHUB_BEHAVIOUR: SimBehaviour = {
  treeEntryLimit: 100_000,
  largeFileBytes: 1024 * 1024,
  mergeabilityDelayMs: 2000,
  headInvalidWindowMs: 0,
};

export interface SimApp {
  id: number;
  slug: string;
  publicKey: string;
}

export interface SimState {
  app: SimApp | undefined;
  /** The App webhook's delivery attempts (`GET /app/hook/deliveries`). */
  hookDeliveries: HookDeliveryLog;
  installations: Map<number, SimInstallation>;
  /** Keyed by lower-case `owner/name`. */
  repos: Map<string, SimRepo>;
  tokens: Map<string, TokenIdentity>;
  /** Renamed repositories: old lower-case `owner/name` → current key (GitHub answers 301). */
  redirects: Map<string, string>;
  nextId: number;
}

export function createState(): SimState {
  return {
    app: undefined,
    hookDeliveries: new HookDeliveryLog(),
    installations: new Map(),
    repos: new Map(),
    tokens: new Map(),
    redirects: new Map(),
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
