/** GitHub App endpoints: installations (JWT), installation access tokens, installation repos. */
import { randomBytes } from 'node:crypto';
import { SimHttpError, iso, notFound, ok, route, type Route } from '../http-kit.js';
import { toInstallation, toRepo, type TokenBody } from '../to-json.js';

const TOKEN_TTL_MS = 3_600_000;

export const appRoutes: Route[] = [
  route('GET', '/app/installations', (ctx) => {
    const appId = ctx.state.app?.id ?? 0;
    return ok([...ctx.state.installations.values()].map((i) => toInstallation(i, appId)));
  }),

  route('POST', '/app/installations/{id}/access_tokens', (ctx) => {
    const installation = ctx.state.installations.get(Number(ctx.params.id));
    if (!installation) throw notFound();
    const token = `ghs_${randomBytes(18).toString('hex')}`;
    // Real time, not the scaled clock: @octokit/auth-app caches tokens by wall-clock expiry.
    const expiresAt = Date.now() + TOKEN_TTL_MS;
    ctx.state.tokens.set(token, {
      login: `${ctx.state.app?.slug ?? 'steering'}[bot]`,
      installationId: installation.id,
      expiresAt,
    });
    const out: TokenBody = {
      token,
      expires_at: iso(expiresAt),
      permissions: {
        contents: 'write',
        pull_requests: 'write',
        checks: 'write',
        metadata: 'read',
      },
      repository_selection: 'all',
    };
    return ok(out, 201);
  }),

  route('GET', '/installation/repositories', (ctx) => {
    const id = ctx.identity;
    if ('app' in id || id.installationId === undefined) {
      throw new SimHttpError(403, 'This endpoint requires an installation access token');
    }
    const all = [...ctx.state.repos.values()].filter((r) => r.installationId === id.installationId);
    const perPage = Math.min(100, Number(ctx.query.get('per_page') ?? 30));
    const page = Number(ctx.query.get('page') ?? 1);
    const last = Math.max(1, Math.ceil(all.length / perPage));
    const headers: Record<string, string> = {};
    if (page < last) {
      const link = (p: number) =>
        `<${ctx.baseUrl}/installation/repositories?per_page=${perPage}&page=${p}>`;
      headers.link = `${link(page + 1)}; rel="next", ${link(last)}; rel="last"`;
    }
    return {
      status: 200,
      headers,
      body: {
        total_count: all.length,
        repository_selection: 'all',
        repositories: all
          .slice((page - 1) * perPage, page * perPage)
          .map((r) => toRepo(r, ctx.baseUrl)),
      },
    };
  }),
];
