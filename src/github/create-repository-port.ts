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
import type { RepositoryPort, TreeEntry } from './port.js';

export type Translate = (err: unknown, operation: string) => SteeringError;

const branchRef = (ref: string): string =>
  ref.startsWith('refs/')
    ? ref.slice('refs/'.length)
    : ref.startsWith('heads/') || ref.startsWith('tags/')
      ? ref
      : `heads/${ref}`;

export function createRepositoryPort(
  octokit: SteeringOctokit,
  translate: Translate,
  options: { policy?: RetryPolicy; logger?: Logger } = {},
): RepositoryPort {
  const policy: RetryPolicy = options.policy ?? { clock: realClock, retries: 3, baseDelayMs: 1000 };
  const checkRuns = createCheckRunWriter(octokit, policy, options.logger);
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
  const rest = octokit.rest;

  const port: RepositoryPort = {
    getRepository: (owner, repo) =>
      call(`get repository ${owner}/${repo}`, async () =>
        toRepositoryInfo((await rest.repos.get({ owner, repo })).data),
      ),

    getBranchHead: (owner, repo, branch) => port.getRef(owner, repo, branch),

    async getTree(owner, repo, sha, options = {}) {
      const op = `get tree ${owner}/${repo}@${sha}`;
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
        throw translate(err, op);
      }
    },

    getBlob: (owner, repo, sha) =>
      call(`get blob ${owner}/${repo}@${sha}`, async () => {
        const { data } = await rest.git.getBlob({ owner, repo, file_sha: sha });
        return Buffer.from(data.content, data.encoding === 'base64' ? 'base64' : 'utf8');
      }),

    async getFileContent(owner, repo, path, ref) {
      const data = await orNull(
        `get contents ${owner}/${repo}:${path}@${ref}`,
        async () => (await rest.repos.getContent({ owner, repo, path, ref })).data,
      );
      if (!data || Array.isArray(data) || data.type !== 'file') return null;
      // Files over 1 MB come back without content: fetch the blob instead.
      if (!('content' in data) || (data.content === '' && data.size > 0)) {
        return (await port.getBlob(owner, repo, data.sha)).toString('utf8');
      }
      return Buffer.from(data.content, 'base64').toString('utf8');
    },

    createTree: (owner, repo, input) =>
      call(`create tree ${owner}/${repo}`, async () => {
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
      call(
        `create commit ${owner}/${repo}`,
        async () => (await rest.git.createCommit({ owner, repo, ...input })).data.sha,
      ),

    getBranch: (owner, repo, branch) =>
      orNull(`get branch ${owner}/${repo}:${branch}`, async () => {
        const { data } = await rest.repos.getBranch({ owner, repo, branch });
        return { sha: data.commit.sha, treeSha: data.commit.commit.tree.sha };
      }),

    getRef: (owner, repo, ref) =>
      orNull(
        `get ref ${owner}/${repo}:${ref}`,
        async () => (await rest.git.getRef({ owner, repo, ref: branchRef(ref) })).data.object.sha,
      ),

    createRef: (owner, repo, ref, sha) =>
      call(`create ref ${owner}/${repo}:${ref}`, async () => {
        await rest.git.createRef({ owner, repo, ref: `refs/${branchRef(ref)}`, sha });
      }),

    updateRef: (owner, repo, ref, sha, force) =>
      call(`update ref ${owner}/${repo}:${ref}`, async () => {
        await rest.git.updateRef({ owner, repo, ref: branchRef(ref), sha, force });
      }),

    deleteRef: (owner, repo, ref) =>
      call(`delete ref ${owner}/${repo}:${ref}`, async () => {
        await rest.git.deleteRef({ owner, repo, ref: branchRef(ref) });
      }),

    compareCommits: (owner, repo, base, head) =>
      call(`compare ${owner}/${repo} ${base}...${head}`, async () => {
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

    findOpenPullRequest: (owner, repo, branch) =>
      call(`find pull request ${owner}/${repo}:${branch}`, async () => {
        const { data } = await rest.pulls.list({
          owner,
          repo,
          head: `${owner}:${branch}`,
          state: 'open',
          per_page: 10,
        });
        const pull = data.find((p) => p.head.ref === branch);
        return pull ? toPullRequestInfo(pull) : null;
      }),

    getPullRequest: (owner, repo, number) =>
      call(`get pull request ${owner}/${repo}#${number}`, async () =>
        toPullRequestInfo((await rest.pulls.get({ owner, repo, pull_number: number })).data),
      ),

    createPullRequest: (owner, repo, input) =>
      call(`create pull request ${owner}/${repo}:${input.head}`, async () => {
        for (let attempt = 1; ; attempt++) {
          try {
            // Written once: after a lost answer, the pull request it opened is looked up.
            return await lookBeforeRetry(
              policy,
              async () =>
                toPullRequestInfo(
                  (await rest.pulls.create({ owner, repo, ...input, ...NO_RETRY })).data,
                ),
              async () => {
                const { data } = await rest.pulls.list({
                  owner,
                  repo,
                  head: `${owner}:${input.head}`,
                  base: input.base,
                  state: 'open',
                });
                const open = data.find((p) => p.head.ref === input.head);
                return open ? toPullRequestInfo(open) : null;
              },
            );
          } catch (err) {
            // GitHub has not yet seen the branch created a moment ago: wait and try again.
            if (!isHeadInvalid(err) || attempt > policy.retries) throw err;
            await policy.clock.sleep(attempt ** 2 * policy.baseDelayMs);
          }
        }
      }),

    updatePullRequest: (owner, repo, number, input) =>
      call(`update pull request ${owner}/${repo}#${number}`, async () =>
        toPullRequestInfo(
          (await rest.pulls.update({ owner, repo, pull_number: number, ...input })).data,
        ),
      ),

    addLabels: (owner, repo, issueNumber, labels) =>
      call(`add labels ${owner}/${repo}#${issueNumber}`, async () => {
        await rest.issues.addLabels({ owner, repo, issue_number: issueNumber, labels });
      }),

    createIssueComment: (owner, repo, issueNumber, body) =>
      call(`comment ${owner}/${repo}#${issueNumber}`, () =>
        lookBeforeRetry(
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
        ),
      ),

    createCheckRun: (owner, repo, input) =>
      call(`create check run ${owner}/${repo}@${input.headSha}`, () =>
        checkRuns.create(owner, repo, input),
      ),

    updateCheckRun: (owner, repo, checkRunId, input) =>
      call(`update check run ${owner}/${repo}/${checkRunId}`, () =>
        checkRuns.update(owner, repo, checkRunId, input),
      ),
  };
  return port;
}
