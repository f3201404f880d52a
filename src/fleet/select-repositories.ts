/**
 * Which repositories a rollout targets, as pure functions over registry rows: the configured
 * selectors (org allowlist, topic include/exclude), the fixed skips (archived, forks, the
 * `steering-opt-out` topic), a guideline's `applies_to` frontmatter, and the canary wave.
 */

export const OPT_OUT_TOPIC = 'steering-opt-out';
export const CANARY_TOPIC = 'steering-canary';

export interface RepositorySelectors {
  /** Empty: every installed organisation. */
  orgs: readonly string[];
  /** Empty: no topic filter. */
  topicsInclude: readonly string[];
  topicsExclude: readonly string[];
  /** `owner/name` of canary repositories, besides those with the `steering-canary` topic. */
  canaryRepos: readonly string[];
}

export interface SelectableRepository {
  owner: string;
  name: string;
  archived: boolean;
  fork: boolean;
  topics: readonly string[];
}

const lower = (xs: readonly string[]) => new Set(xs.map((x) => x.toLowerCase()));

/** Why a repository is skipped by the configured selectors, or null when it is eligible. */
export function skipReason(repo: SelectableRepository, sel: RepositorySelectors): string | null {
  const topics = lower(repo.topics);
  if (repo.archived) return 'archived';
  if (repo.fork) return 'fork';
  if (topics.has(OPT_OUT_TOPIC)) return `topic ${OPT_OUT_TOPIC}`;
  if (sel.orgs.length && !lower(sel.orgs).has(repo.owner.toLowerCase()))
    return `organisation ${repo.owner} not in STEERING_ORGS`;
  const excluded = sel.topicsExclude.find((t) => topics.has(t.toLowerCase()));
  if (excluded) return `topic ${excluded} excluded`;
  if (sel.topicsInclude.length && !sel.topicsInclude.some((t) => topics.has(t.toLowerCase())))
    return 'no included topic';
  return null;
}

/**
 * A guideline's `applies_to` narrowing: every key given must match (`topics`: any of them,
 * `repos`: `owner/name` or `name`, `orgs`: the owner). Unknown keys (e.g. `languages`) are not
 * known to the registry and do not narrow.
 */
export function appliesTo(
  repo: SelectableRepository,
  rule: Readonly<Record<string, readonly string[]>> | null | undefined,
): boolean {
  if (!rule) return true;
  const full = `${repo.owner}/${repo.name}`.toLowerCase();
  const topics = lower(repo.topics);
  const checks: Record<string, (v: Set<string>) => boolean> = {
    topics: (v) => [...v].some((t) => topics.has(t)),
    repos: (v) => v.has(full) || v.has(repo.name.toLowerCase()),
    orgs: (v) => v.has(repo.owner.toLowerCase()),
  };
  return Object.entries(rule).every(([key, values]) => {
    const check = checks[key];
    return !check || values.length === 0 || check(lower(values));
  });
}

export function isCanary(
  repo: SelectableRepository,
  sel: Pick<RepositorySelectors, 'canaryRepos'>,
): boolean {
  return (
    lower(repo.topics).has(CANARY_TOPIC) ||
    lower(sel.canaryRepos).has(`${repo.owner}/${repo.name}`.toLowerCase())
  );
}

/** The targets of a rollout: eligible repositories the guideline applies to, canaries in wave 0. */
export function planWaves<R extends SelectableRepository>(
  repos: readonly R[],
  sel: RepositorySelectors,
  rule: Readonly<Record<string, readonly string[]>> | null | undefined,
): { repo: R; wave: number }[] {
  return repos
    .filter((r) => skipReason(r, sel) === null && appliesTo(r, rule))
    .map((repo) => ({ repo, wave: isCanary(repo, sel) ? 0 : 1 }));
}
