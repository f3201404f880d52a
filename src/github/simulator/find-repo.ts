/**
 * Repository lookup with GitHub's visibility rule: an installation token sees only the
 * repositories of its installation, and anything it cannot see is a plain 404.
 */
import { notFound, type Ctx } from './http-kit.js';
import { repoKey, type SimPull, type SimRepo } from './state.js';

export function findRepo(ctx: Ctx): SimRepo {
  const repo = ctx.state.repos.get(repoKey(ctx.params.owner ?? '', ctx.params.repo ?? ''));
  if (!repo) throw notFound();
  const id = ctx.identity;
  if (
    !('app' in id) &&
    id.installationId !== undefined &&
    id.installationId !== repo.installationId
  ) {
    throw notFound();
  }
  return repo;
}

/** The pull request `{number}` of the path (issues endpoints address PRs by the same number). */
export function findPull(ctx: Ctx, repo: SimRepo): SimPull {
  const pull = repo.pulls.find((p) => p.number === Number(ctx.params.number));
  if (!pull) throw notFound();
  return pull;
}

export function repoUrl(ctx: Ctx, repo: SimRepo): string {
  return `${ctx.baseUrl}/repos/${repo.owner}/${repo.name}`;
}

/** A commit sha from a sha, a branch name or `heads/<branch>`; undefined when unknown. */
export function resolveCommit(repo: SimRepo, ref: string): string | undefined {
  const name = ref.replace(/^refs\//, '').replace(/^heads\//, '');
  const fromBranch = repo.refs.get(`heads/${name}`);
  if (fromBranch) return fromBranch;
  if (/^[0-9a-f]{40}$/.test(ref) && repo.objects.get(ref)?.type === 'commit') return ref;
  return undefined;
}
