/**
 * RepositoryPort over one installation's Octokit. Every call is wrapped so failures leave as
 * SteeringErrors; "absent" answers the callers expect (no branch, no file, no PR; and any branch
 * of an empty repository, which GitHub answers with 409) become null. Comments and check runs
 * are written exactly once (look before writing again, `look-before-retry.ts`); a pull request
 * GitHub refuses with "head invalid" right after its branch was created is retried.
 */
import { SteeringError } from '../errors.js';
import type { Logger } from '../log.js';
import type { SteeringOctokit } from './build-octokit.js';
import { realClock } from './clock.js';
import { createCheckRunWriter } from './create-check-run.js';
import { NO_RETRY, isHeadInvalid, lookBeforeRetry, type RetryPolicy } from './look-before-retry.js';
import { toCommitInfo, toPullRequestInfo, toRepositoryInfo } from './map-github.js';
import type { PullRequestInfo, RepositoryPort, TreeEntry } from './port.js';

export type Translate = (err: unknown, operation: string) => SteeringError;

const branchRef = (ref: string): string =>
  ref.startsWith('refs/')
    ? ref.slice('refs/'.length)
    : ref.startsWith('heads/') || ref.startsWith('tags/')
      ? ref
      : `heads/${ref}`;

/** How every call of the port leaves: a translated error, or (for "absent" answers) null. */
interface Guard {
  call<T>(operation: string, fn: () => Promise<T>): Promise<T>;
  orNull<T>(operation: string, fn: () => Promise<T>): Promise<T | null>;
}

function guard(translate: Translate): Guard {
  async function call<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw translate(err, operation);
    }
  }
  async function orNull<T>(operation: string, fn: () => Promise<T>): Promise<T | null> {
    try {
      return await call(operation, fn);
    } catch (err) {
      if (err instanceof SteeringError && err.code === 'GITHUB_NOT_FOUND') return null;
      // An empty repository (no commit yet) has no branch at all.
      if (
        err instanceof SteeringError &&
        (err.details as { status?: number } | undefined)?.status === 409
      )
        return null;
      throw err;
    }
  }
  return { call, orNull };
}

type Reads = Pick<RepositoryPort, 'getRepository' | 'getTree' | 'getBlob' | 'getFileContent'>;

/** Reading what is there: the repository, its trees, blobs and files. */
function contentReads(octokit: SteeringOctokit, translate: Translate, g: Guard): Reads {
  const rest = octokit.rest;
  const reads: Reads = {
    getRepository: (owner, repo) =>
      g.call(`get repository ${owner}/${repo}`, async () =>
        toRepositoryInfo((await rest.repos.get({ owner, repo })).data),
      ),

    async getTree(owner, repo, sha, options = {}) {
      try {
        const res = await rest.git.getTree({
          owner,
          repo,
          tree_sha: sha,
          ...(options.recursive ? { recursive: '1' } : {}),
          ...(options.etag ? { headers: { 'if-none-match': options.etag } } : {}),
        });
        const entries: TreeEntry[] = res.data.tree.map((e) => ({
          path: e.path,
          mode: e.mode,
          type: e.type as TreeEntry['type'],
          sha: e.sha,
          ...(e.size === undefined ? {} : { size: e.size }),
        }));
        return {
          sha: res.data.sha,
          entries,
          truncated: res.data.truncated,
          etag: res.headers.etag,
          notModified: false,
        };
      } catch (err) {
        if ((err as { status?: number }).status === 304) {
          return { sha, entries: [], truncated: false, etag: options.etag, notModified: true };
        }
        throw translate(err, `get tree ${owner}/${repo}@${sha}`);
      }
    },

    getBlob: (owner, repo, sha) =>
      g.call(`get blob ${owner}/${repo}@${sha}`, async () => {
        const { data } = await rest.git.getBlob({ owner, repo, file_sha: sha });
        return Buffer.from(data.content, data.encoding === 'base64' ? 'base64' : 'utf8');
      }),

    async getFileContent(owner, repo, path, ref) {
      const data = await g.orNull(
        `get contents ${owner}/${repo}:${path}@${ref}`,
        async () => (await rest.repos.getContent({ owner, repo, path, ref })).data,
      );
      if (!data || Array.isArray(data) || data.type !== 'file') return null;
      // Files over 1 MB come back without content: fetch the blob instead.
      if (!('content' in data) || (data.content === '' && data.size > 0)) {
        return (await reads.getBlob(owner, repo, data.sha)).toString('utf8');
      }
      return Buffer.from(data.content, 'base64').toString('utf8');
    },
  };
  return reads;
}

/** Writing git objects: trees and the commits that point at them. */
function objectWrites(
  octokit: SteeringOctokit,
  g: Guard,
): Pick<RepositoryPort, 'createTree' | 'createCommit'> {
  const rest = octokit.rest;
  return {
    createTree: (owner, repo, input) =>
      g.call(`create tree ${owner}/${repo}`, async () => {
        const tree = input.files.map((f) =>
          f.content === null
            ? { path: f.path, mode: f.mode ?? '100644', type: 'blob' as const, sha: null }
            : { path: f.path, mode: f.mode ?? '100644', type: 'blob' as const, content: f.content },
        );
        const { data } = await rest.git.createTree({
          owner,
          repo,
          tree,
          ...(input.baseTree ? { base_tree: input.baseTree } : {}),
        });
        return data.sha;
      }),

    createCommit: (owner, repo, input) =>
      g.call(
        `create commit ${owner}/${repo}`,
        async () => (await rest.git.createCommit({ owner, repo, ...input })).data.sha,
      ),
  };
}

type Refs = Pick<
  RepositoryPort,
  | 'getBranch'
  | 'getBranchHead'
  | 'getRef'
  | 'createRef'
  | 'updateRef'
  | 'deleteRef'
  | 'compareCommits'
>;

/** Branches and refs: where they point, moving them, and how two commits compare. */
function branchesAndRefs(octokit: SteeringOctokit, g: Guard): Refs {
  const rest = octokit.rest;
  const refs: Refs = {
    getBranch: (owner, repo, branch) =>
      g.orNull(`get branch ${owner}/${repo}:${branch}`, async () => {
        const { data } = await rest.repos.getBranch({ owner, repo, branch });
        return { sha: data.commit.sha, treeSha: data.commit.commit.tree.sha };
      }),

    getBranchHead: (owner, repo, branch) => refs.getRef(owner, repo, branch),

    getRef: (owner, repo, ref) =>
      g.orNull(
        `get ref ${owner}/${repo}:${ref}`,
        async () => (await rest.git.getRef({ owner, repo, ref: branchRef(ref) })).data.object.sha,
      ),

    createRef: (owner, repo, ref, sha) =>
      g.call(`create ref ${owner}/${repo}:${ref}`, async () => {
        await rest.git.createRef({ owner, repo, ref: `refs/${branchRef(ref)}`, sha });
      }),

    updateRef: (owner, repo, ref, sha, force) =>
      g.call(`update ref ${owner}/${repo}:${ref}`, async () => {
        await rest.git.updateRef({ owner, repo, ref: branchRef(ref), sha, force });
      }),

    deleteRef: (owner, repo, ref) =>
      g.call(`delete ref ${owner}/${repo}:${ref}`, async () => {
        await rest.git.deleteRef({ owner, repo, ref: branchRef(ref) });
      }),

    compareCommits: (owner, repo, base, head) =>
      g.call(`compare ${owner}/${repo} ${base}...${head}`, async () => {
        const { data } = await rest.repos.compareCommitsWithBasehead({
          owner,
          repo,
          basehead: `${base}...${head}`,
        });
        return {
          status: data.status,
          aheadBy: data.ahead_by,
          behindBy: data.behind_by,
          commits: data.commits.map(toCommitInfo),
        };
      }),
  };
  return refs;
}

/** The open pull request whose head is `owner:branch` (and whose base is `base`, when given). */
async function openPullRequest(
  octokit: SteeringOctokit,
  owner: string,
  repo: string,
  branch: string,
  filter: { base?: string; perPage?: number },
): Promise<PullRequestInfo | null> {
  const { data } = await octokit.rest.pulls.list({
    owner,
    repo,
    head: `${owner}:${branch}`,
    ...(filter.base === undefined ? {} : { base: filter.base }),
    state: 'open',
    ...(filter.perPage === undefined ? {} : { per_page: filter.perPage }),
  });
  const pull = data.find((p) => p.head.ref === branch);
  return pull ? toPullRequestInfo(pull) : null;
}

/**
 * Opened once: after a lost answer, the pull request it opened is looked up. While GitHub has not
 * yet seen a branch created a moment ago ("head invalid"), waits and tries again.
 */
async function openPullRequestOnce(
  octokit: SteeringOctokit,
  policy: RetryPolicy,
  owner: string,
  repo: string,
  input: Parameters<RepositoryPort['createPullRequest']>[2],
): Promise<PullRequestInfo> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await lookBeforeRetry(
        policy,
        async () =>
          toPullRequestInfo(
            (await octokit.rest.pulls.create({ owner, repo, ...input, ...NO_RETRY })).data,
          ),
        () => openPullRequest(octokit, owner, repo, input.head, { base: input.base }),
      );
    } catch (err) {
      if (!isHeadInvalid(err) || attempt > policy.retries) throw err;
      await policy.clock.sleep(attempt ** 2 * policy.baseDelayMs);
    }
  }
}

/** Written once: after a lost answer, the issue's comments are looked through for this body. */
function commentOnce(
  octokit: SteeringOctokit,
  policy: RetryPolicy,
  owner: string,
  repo: string,
  issueNumber: number,
  body: string,
): Promise<void> {
  const rest = octokit.rest;
  return lookBeforeRetry(
    policy,
    async () => {
      await rest.issues.createComment({
        owner,
        repo,
        issue_number: issueNumber,
        body,
        ...NO_RETRY,
      });
    },
    async () => {
      const comments = await octokit.paginate(rest.issues.listComments, {
        owner,
        repo,
        issue_number: issueNumber,
        per_page: 100,
      });
      return comments.some((c) => c.body === body) ? undefined : null;
    },
  );
}

/** Pull requests and what is said on them: labels and comments. */
function pullRequests(
  octokit: SteeringOctokit,
  policy: RetryPolicy,
  g: Guard,
): Pick<
  RepositoryPort,
  | 'findOpenPullRequest'
  | 'getPullRequest'
  | 'createPullRequest'
  | 'updatePullRequest'
  | 'addLabels'
  | 'createIssueComment'
> {
  const rest = octokit.rest;
  return {
    findOpenPullRequest: (owner, repo, branch) =>
      g.call(`find pull request ${owner}/${repo}:${branch}`, () =>
        openPullRequest(octokit, owner, repo, branch, { perPage: 10 }),
      ),

    getPullRequest: (owner, repo, number) =>
      g.call(`get pull request ${owner}/${repo}#${number}`, async () =>
        toPullRequestInfo((await rest.pulls.get({ owner, repo, pull_number: number })).data),
      ),

    createPullRequest: (owner, repo, input) =>
      g.call(`create pull request ${owner}/${repo}:${input.head}`, () =>
        openPullRequestOnce(octokit, policy, owner, repo, input),
      ),

    updatePullRequest: (owner, repo, number, input) =>
      g.call(`update pull request ${owner}/${repo}#${number}`, async () =>
        toPullRequestInfo(
          (await rest.pulls.update({ owner, repo, pull_number: number, ...input })).data,
        ),
      ),

    addLabels: (owner, repo, issueNumber, labels) =>
      g.call(`add labels ${owner}/${repo}#${issueNumber}`, async () => {
        await rest.issues.addLabels({ owner, repo, issue_number: issueNumber, labels });
      }),

    createIssueComment: (owner, repo, issueNumber, body) =>
      g.call(`comment ${owner}/${repo}#${issueNumber}`, () =>
        commentOnce(octokit, policy, owner, repo, issueNumber, body),
      ),
  };
}

/** Check runs (or, where the credentials cannot write them, commit statuses). */
function checkRuns(
  octokit: SteeringOctokit,
  policy: RetryPolicy,
  g: Guard,
  logger: Logger | undefined,
): Pick<RepositoryPort, 'createCheckRun' | 'updateCheckRun'> {
  const writer = createCheckRunWriter(octokit, policy, logger);
  return {
    createCheckRun: (owner, repo, input) =>
      g.call(`create check run ${owner}/${repo}@${input.headSha}`, () =>
        writer.create(owner, repo, input),
      ),
    updateCheckRun: (owner, repo, checkRunId, input) =>
      g.call(`update check run ${owner}/${repo}/${checkRunId}`, () =>
        writer.update(owner, repo, checkRunId, input),
      ),
  };
}

export function createRepositoryPort(
  octokit: SteeringOctokit,
  translate: Translate,
  options: { policy?: RetryPolicy; logger?: Logger } = {},
): RepositoryPort {
  const policy: RetryPolicy = options.policy ?? { clock: realClock, retries: 3, baseDelayMs: 1000 };
  const g = guard(translate);
  return {
    ...contentReads(octokit, translate, g),
    ...objectWrites(octokit, g),
    ...branchesAndRefs(octokit, g),
    ...pullRequests(octokit, policy, g),
    ...checkRuns(octokit, policy, g, options.logger),
  };
}
