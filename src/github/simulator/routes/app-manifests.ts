/**
 * The GitHub App manifest flow (https://docs.github.com/en/apps/sharing-github-apps/registering-a-github-app-from-a-manifest):
 * - `POST /__simulator/app-manifests` {manifest} stands in for the person who clicks "Create GitHub
 *   App" on github.com: it registers the manifest and answers the temporary `code` GitHub would put
 *   on the redirect;
 * - `POST /app-manifests/{code}/conversions` (no authentication, as on GitHub) exchanges the code,
 *   once, for the App's id, private key (PEM) and webhook secret. The simulator then accepts JWTs
 *   signed with that key, as GitHub would.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { SimHttpError, iso, notFound, ok, route, type Route } from '../http-kit.js';
import type { SimState } from '../state.js';
import { toAccount } from '../to-json.js';

/** Every field of GitHub's simple-user; toAccount fills in the login's own values. */
const ACCOUNT_BASE = {
  login: 'x',
  id: 1,
  node_id: 'x',
  avatar_url: 'https://avatars.githubusercontent.com/u/1?v=4',
  gravatar_id: '',
  url: 'https://api.github.com/users/x',
  html_url: 'https://github.com/x',
  followers_url: 'https://api.github.com/users/x/followers',
  following_url: 'https://api.github.com/users/x/following{/other_user}',
  gists_url: 'https://api.github.com/users/x/gists{/gist_id}',
  starred_url: 'https://api.github.com/users/x/starred{/owner}{/repo}',
  subscriptions_url: 'https://api.github.com/users/x/subscriptions',
  organizations_url: 'https://api.github.com/users/x/orgs',
  repos_url: 'https://api.github.com/users/x/repos',
  events_url: 'https://api.github.com/users/x/events{/privacy}',
  received_events_url: 'https://api.github.com/users/x/received_events',
  type: 'User',
  site_admin: false,
};

interface Manifest {
  name?: string;
  url?: string;
  description?: string;
  hook_attributes?: { url?: string };
  default_permissions?: Record<string, string>;
  default_events?: string[];
}

const pending = new WeakMap<SimState, Map<string, Manifest>>();
const anonymous = (r: Route): Route => ({ ...r, anonymous: true });

export const appManifestRoutes: Route[] = [
  anonymous(
    route('POST', '/__simulator/app-manifests', (ctx) => {
      const manifest = (ctx.body as { manifest?: unknown } | undefined)?.manifest;
      const parsed = (typeof manifest === 'string' ? JSON.parse(manifest) : manifest) as Manifest;
      if (!parsed?.name) throw new SimHttpError(422, 'manifest.name is required');
      const code = randomBytes(10).toString('hex');
      let codes = pending.get(ctx.state);
      if (!codes) pending.set(ctx.state, (codes = new Map()));
      codes.set(code, parsed);
      return ok({ code }, 201);
    }),
  ),
  anonymous(
    route('POST', '/app-manifests/{code}/conversions', (ctx) => {
      const manifest = pending.get(ctx.state)?.get(ctx.params.code!);
      if (!manifest) throw notFound();
      pending.get(ctx.state)!.delete(ctx.params.code!);
      const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const id = 100_000 + Math.floor(Math.random() * 900_000);
      const slug = manifest.name!.toLowerCase().replace(/[^a-z0-9]+/g, '-');
      ctx.state.app = {
        id,
        slug,
        publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      };
      const now = iso(Date.now());
      return ok(
        {
          id,
          slug,
          node_id: `A_${id}`,
          // The account that clicked "Create GitHub App" (the simulator's administrator).
          owner: toAccount(ACCOUNT_BASE, 'octo-admin', undefined, ctx.baseUrl),
          name: manifest.name,
          description: manifest.description ?? null,
          external_url: manifest.url ?? null,
          html_url: `${ctx.baseUrl}/apps/${slug}`,
          created_at: now,
          updated_at: now,
          permissions: manifest.default_permissions ?? {},
          events: manifest.default_events ?? [],
          client_id: `Iv1.${randomBytes(8).toString('hex')}`,
          client_secret: randomBytes(20).toString('hex'),
          webhook_secret: manifest.hook_attributes?.url ? randomBytes(20).toString('hex') : null,
          pem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
        },
        201,
      );
    }),
  ),
];
