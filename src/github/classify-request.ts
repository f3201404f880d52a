/**
 * Which GitHub requests count against which of GitHub's secondary limits, in one place: steering's
 * write limiter (through `build-octokit.ts`) and the simulator's enforcement both ask here.
 *
 * - `content`: a content-creating request, every request that is not a read (GET, HEAD) except the
 *   exchange of an App's JWT for an installation token. GitHub documents "no more than 80
 *   content-generating requests per minute and no more than 500 content-generating requests per
 *   hour" ("Rate limits for the REST API", About secondary rate limits).
 * - `notifying`: a content-creating request to an endpoint that triggers notifications (opening a
 *   pull request or an issue, commenting, reviews, merges, releases, invitations). The same page
 *   says "some endpoints have lower content creation limits", and the reference of each of these
 *   endpoints says "This endpoint triggers notifications. Creating content too quickly using this
 *   endpoint may result in secondary rate limiting", without a figure. The list is the one GitHub's
 *   REST description marks as triggering notifications (`x-github.triggersNotification`), as
 *   Octokit's throttling plugin also ships it.
 */
export type RequestKind = 'read' | 'content' | 'notifying';

const TOKEN_EXCHANGE = /^\/app\/installations\/[^/]+\/access_tokens$/;

// Path templates of the endpoints that trigger notifications; `*` is one path segment.
const NOTIFYING = [
  '/orgs/*/invitations',
  '/orgs/*/invitations/*',
  '/orgs/*/teams/*/discussions',
  '/orgs/*/teams/*/discussions/*/comments',
  '/repos/*/*/collaborators/*',
  '/repos/*/*/commits/*/comments',
  '/repos/*/*/issues',
  '/repos/*/*/issues/*/comments',
  '/repos/*/*/issues/*/sub_issue',
  '/repos/*/*/issues/*/sub_issues/priority',
  '/repos/*/*/pulls',
  '/repos/*/*/pulls/*/comments',
  '/repos/*/*/pulls/*/comments/*/replies',
  '/repos/*/*/pulls/*/merge',
  '/repos/*/*/pulls/*/requested_reviewers',
  '/repos/*/*/pulls/*/reviews',
  '/repos/*/*/releases',
  '/teams/*/discussions',
  '/teams/*/discussions/*/comments',
].map((template) => new RegExp(`^${template.replaceAll('*', '[^/]+')}$`));

/**
 * The kind of a request to GitHub's REST API. `path` is the path below the API's base URL
 * (`/repos/acme/svc/pulls`, without a GitHub Enterprise Server `/api/v3` prefix or a query).
 */
export function classifyRequest(method: string, path: string): RequestKind {
  const m = method.toUpperCase();
  if (m === 'GET' || m === 'HEAD' || TOKEN_EXCHANGE.test(path)) return 'read';
  return NOTIFYING.some((re) => re.test(path)) ? 'notifying' : 'content';
}

/** `url`'s path below `baseUrl` (`https://ghe.example/api/v3` → `/repos/…`). */
export function pathBelow(url: string, baseUrl: string): string {
  const path = new URL(url).pathname;
  const base = new URL(baseUrl).pathname.replace(/\/+$/, '');
  return base && path.startsWith(`${base}/`) ? path.slice(base.length) : path;
}
