/**
 * Repository lookup with GitHub's rules: an installation token sees only the repositories of its
 * installation (anything else is a plain 404); a renamed repository answers 301 (307 for writes)
 * to its new location; an archived one refuses writes (403, read-only); an empty one (no commits)
 * answers 409 to git data; an installation token needs the permission a route requires
 * (403 "Resource not accessible by integration").
 */
import { SimHttpError, notFound, type Ctx } from './http-kit.js';
import { DEFAULT_PERMISSIONS, repoKey, type SimPull, type SimRepo } from './state.js';

/** Git data GitHub cannot serve from an empty repository (branches and contents answer 404). */
const GIT_DATA = /^\/repos\/[^/]+\/[^/]+\/(git|commits)(\/|$)/;

export function findRepo(ctx: Ctx): SimRepo {
  const key = repoKey(ctx.params.owner ?? '', ctx.params.repo ?? '');
  const repo = ctx.state.repos.get(key);
  if (!repo) {
    const moved = ctx.state.redirects.get(key);
    const target = moved ? ctx.state.repos.get(moved) : undefined;
    if (target && visible(ctx, target)) {
      const rest = ctx.path.split('/').slice(4).join('/');
      const location = `${ctx.baseUrl}/repositories/${target.id}${rest ? `/${rest}` : ''}`;
      const status = ctx.method === 'GET' || ctx.method === 'HEAD' ? 301 : 307;
      throw new SimHttpError(status, 'Moved Permanently', { headers: { location }, url: location });
    }
    throw notFound();
  }
  if (!visible(ctx, repo)) throw notFound();
  if (ctx.method !== 'GET' && ctx.method !== 'HEAD' && repo.archived)
    throw new SimHttpError(403, 'Repository was archived so is read-only.');
  if (repo.refs.size === 0 && GIT_DATA.test(ctx.path))
    throw new SimHttpError(409, 'Git Repository is empty.');
  return repo;
}

function visible(ctx: Ctx, repo: SimRepo): boolean {
  const id = ctx.identity;
  return (
    'app' in id || id.installationId === undefined || id.installationId === repo.installationId
  );
}

/**
 * Installation tokens need `permission` at `level`; personal tokens pass (they act as a user)
 * unless `appsOnly`, for endpoints only GitHub Apps may call (check runs).
 */
export function requirePermission(
  ctx: Ctx,
  permission: string,
  level: 'read' | 'write',
  appsOnly = false,
): void {
  const id = ctx.identity;
  if ('app' in id) return;
  if (id.installationId === undefined) {
    if (appsOnly) throw new SimHttpError(403, 'You must authenticate via a GitHub App.');
    return;
  }
  const granted =
    id.permissions ??
    ctx.state.installations.get(id.installationId)?.permissions ??
    DEFAULT_PERMISSIONS;
  const has = granted[permission];
  if (!has || (level === 'write' && has !== 'write'))
    throw new SimHttpError(403, 'Resource not accessible by integration');
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
