/**
 * The one GitHub port: only the calls steering makes, in steering's own plain types. Jobs and
 * the HTTP layer depend on these interfaces; `createGitHubPort` implements them with Octokit and
 * tests point that implementation at the simulator. Every failure surfaces as a SteeringError
 * (`GITHUB_NOT_FOUND`, `GITHUB_FORBIDDEN`, `RATE_LIMITED`, `GITHUB_UNAVAILABLE`, `GITHUB_ERROR`).
 */
import type { RepositoryFacts } from '../repository-facts.js';

export interface Installation {
  id: number;
  /** The organisation or user the App is installed on. */
  account: string;
  accountType: 'Organization' | 'User' | 'Bot' | (string & {});
}

export interface RepositoryInfo extends RepositoryFacts {
  private: boolean;
}

export interface TreeEntry {
  path: string;
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
  /** Blobs only. */
  size?: number;
}

export interface TreeResult {
  sha: string;
  entries: TreeEntry[];
  truncated: boolean;
  /** Pass back as `etag` to get `notModified: true` (and no entries) when the tree is unchanged. */
  etag: string | undefined;
  notModified: boolean;
}

export interface FileToWrite {
  path: string;
  /** UTF-8 content, or `null` to delete the path from the base tree. */
  content: string | null;
  /** Default `100644`. */
  mode?: '100644' | '100755';
}

export interface CommitInfo {
  sha: string;
  message: string;
  authorLogin: string | null;
  committerLogin: string | null;
  parents: string[];
}

export interface Comparison {
  status: 'identical' | 'ahead' | 'behind' | 'diverged';
  aheadBy: number;
  behindBy: number;
  /** Commits reachable from head and not from base, oldest first. */
  commits: CommitInfo[];
}

export interface PullRequestInfo {
  number: number;
  state: 'open' | 'closed';
  merged: boolean;
  title: string;
  body: string;
  headRef: string;
  headSha: string;
  baseRef: string;
  htmlUrl: string;
  labels: string[];
}

export interface CheckAnnotation {
  path: string;
  startLine: number;
  endLine: number;
  level: 'notice' | 'warning' | 'failure';
  message: string;
  title?: string;
}

export type CheckConclusion =
  'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required';

export interface CheckRunInput {
  name: string;
  headSha: string;
  status?: 'queued' | 'in_progress' | 'completed';
  conclusion?: CheckConclusion;
  detailsUrl?: string;
  externalId?: string;
  /** Any number of annotations: the port sends them 50 per request, as GitHub requires. */
  output?: { title: string; summary: string; text?: string; annotations?: CheckAnnotation[] };
}

/** Calls scoped to one installation (or to the token, in token mode). */
export interface RepositoryPort {
  getRepository(owner: string, repo: string): Promise<RepositoryInfo>;
  /** The commit sha a branch points at, or null when the branch does not exist. */
  getBranchHead(owner: string, repo: string, branch: string): Promise<string | null>;
  /** A branch's head commit and that commit's root tree in one request, or null when absent. */
  getBranch(
    owner: string,
    repo: string,
    branch: string,
  ): Promise<{ sha: string; treeSha: string } | null>;
  getTree(
    owner: string,
    repo: string,
    sha: string,
    options?: { recursive?: boolean; etag?: string },
  ): Promise<TreeResult>;
  getBlob(owner: string, repo: string, sha: string): Promise<Buffer>;
  /** File content at `ref` through the contents API, or null when the path does not exist. */
  getFileContent(owner: string, repo: string, path: string, ref: string): Promise<string | null>;

  /** One request whatever the number of files (inline content). Returns the new tree sha. */
  createTree(
    owner: string,
    repo: string,
    input: { baseTree?: string; files: FileToWrite[] },
  ): Promise<string>;
  /** Returns the new commit sha. */
  createCommit(
    owner: string,
    repo: string,
    input: { message: string; tree: string; parents: string[] },
  ): Promise<string>;
  /** `ref` is a branch name (`steering/performance`) or a full ref (`refs/heads/x`). */
  getRef(owner: string, repo: string, ref: string): Promise<string | null>;
  createRef(owner: string, repo: string, ref: string, sha: string): Promise<void>;
  /** Without `force`, a non-fast-forward move fails with GITHUB_ERROR (422). */
  updateRef(owner: string, repo: string, ref: string, sha: string, force: boolean): Promise<void>;
  deleteRef(owner: string, repo: string, ref: string): Promise<void>;
  compareCommits(owner: string, repo: string, base: string, head: string): Promise<Comparison>;

  /** The open pull request whose head is `owner:branch`, if any. */
  findOpenPullRequest(owner: string, repo: string, branch: string): Promise<PullRequestInfo | null>;
  getPullRequest(owner: string, repo: string, number: number): Promise<PullRequestInfo>;
  createPullRequest(
    owner: string,
    repo: string,
    input: { title: string; body: string; head: string; base: string; draft?: boolean },
  ): Promise<PullRequestInfo>;
  updatePullRequest(
    owner: string,
    repo: string,
    number: number,
    input: { title?: string; body?: string; state?: 'open' | 'closed' },
  ): Promise<PullRequestInfo>;
  addLabels(owner: string, repo: string, issueNumber: number, labels: string[]): Promise<void>;
  createIssueComment(owner: string, repo: string, issueNumber: number, body: string): Promise<void>;

  /**
   * Returns the check run id. Annotations beyond 50 go out in follow-up updates. Written once
   * even when GitHub applies a request and loses the answer. When the credentials cannot write
   * check runs, sets a commit status (context = name) instead and returns 0.
   */
  createCheckRun(owner: string, repo: string, input: CheckRunInput): Promise<number>;
  updateCheckRun(
    owner: string,
    repo: string,
    checkRunId: number,
    input: Partial<CheckRunInput>,
  ): Promise<void>;
}

/** One attempt to deliver a webhook, from the App's delivery log. */
export interface HookDelivery {
  id: number;
  /** `X-GitHub-Delivery`: shared by every attempt of one event. */
  guid: string;
  deliveredAt: string;
  redelivery: boolean;
  statusCode: number;
  event: string;
  action: string | null;
}

/** The App-level face: installations, their repositories, and a port per installation. */
export interface GitHubPort {
  /** App auth only: delivery attempts of the App's webhook since `since`, newest first. */
  listHookDeliveries?(since: Date): Promise<HookDelivery[]>;
  /** App auth only: asks GitHub to deliver attempt `id` again. */
  redeliverHook?(id: number): Promise<void>;
  /** Token mode: one pseudo-installation with id 0. */
  listInstallations(): Promise<Installation[]>;
  listInstallationRepositories(installationId: number): Promise<RepositoryInfo[]>;
  /** Cached: one Octokit per installation for the life of the port. */
  forInstallation(installationId: number): RepositoryPort;
}
