/**
 * The repository port's git writes and refs: trees and the commits that point at them, branches
 * and refs (where they point, moving them) and how two commits compare.
 */
import type { SteeringOctokit } from './build-octokit.js';
import type { Guard } from './guard-port-calls.js';
import { toCommitInfo } from './map-github.js';
import type { RepositoryPort } from './port.js';

const branchRef = (ref: string): string =>
  ref.startsWith('refs/')
    ? ref.slice('refs/'.length)
    : ref.startsWith('heads/') || ref.startsWith('tags/')
      ? ref
      : `heads/${ref}`;

/** Writing git objects: trees and the commits that point at them. */
export function objectWrites(
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
export function branchesAndRefs(octokit: SteeringOctokit, g: Guard): Refs {
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
