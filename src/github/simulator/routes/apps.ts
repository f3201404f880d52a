/** GitHub App endpoints: installations (JWT), installation access tokens, installation repos. */
import { randomBytes } from 'node:crypto';
import { restBase } from '../bases.js';
import { SimHttpError, iso, notFound, ok, paginate, route, type Route } from '../http-kit.js';
import { toInstallation, toRepo } from '../to-json.js';

const TOKEN_TTL_MS = 3_600_000;

export const appRoutes: Route[] = [
  route('GET', '/app/installations', (ctx) => {
    const app = ctx.state.app;
    const all = [...ctx.state.installations.values()].map((i) =>
      toInstallation(i, app?.id ?? 0, app?.slug ?? 'steering', ctx.baseUrl),
    );
    const { page, headers } = paginate(ctx, all);
    return { status: 200, headers, body: page };
  }),

  route('POST', '/app/installations/{id}/access_tokens', (ctx) => {
    const installation = ctx.state.installations.get(Number(ctx.params.id));
    if (!installation) throw notFound();
    const asked = ctx.body?.permissions as Record<string, 'read' | 'write'> | undefined;
    const permissions = { ...installation.permissions };
    if (asked) {
      for (const [k, v] of Object.entries(asked)) {
        const has = installation.permissions[k];
        if (!has || (v === 'write' && has !== 'write'))
          throw new SimHttpError(
            422,
            `The permissions requested are not granted to this installation.`,
          );
      }
      for (const k of Object.keys(permissions)) if (!(k in asked)) delete permissions[k];
      Object.assign(permissions, asked);
    }
    const token = `ghs_${randomBytes(18).toString('hex')}`;
    // Real time, not the scaled clock: @octokit/auth-app caches tokens by wall-clock expiry.
    const expiresAt = Date.now() + TOKEN_TTL_MS;
    ctx.state.tokens.set(token, {
      login: `${ctx.state.app?.slug ?? 'steering'}[bot]`,
      installationId: installation.id,
      expiresAt,
      permissions,
    });
    const base = restBase('POST /app/installations/{installation_id}/access_tokens', ctx.baseUrl);
    delete base.repositories;
    return ok(
      { ...base, token, expires_at: iso(expiresAt), permissions, repository_selection: 'all' },
      201,
    );
  }),

  route('GET', '/installation/repositories', (ctx) => {
    const id = ctx.identity;
    if ('app' in id || id.installationId === undefined) {
      throw new SimHttpError(403, 'This endpoint requires an installation access token');
    }
    const all = [...ctx.state.repos.values()].filter((r) => r.installationId === id.installationId);
    const { page, headers } = paginate(ctx, all);
    return {
      status: 200,
      headers,
      body: {
        total_count: all.length,
        repository_selection: 'all',
        repositories: page.map((r) => toRepo(r, ctx.baseUrl)),
      },
    };
  }),
];
