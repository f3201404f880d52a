/**
 * `steering setup github-app`: GitHub's App manifest flow in one step. A loopback page posts
 * steering's manifest (`webhooks/app-manifest.json`, with this server as the redirect) to GitHub's
 * "new App" form; GitHub redirects back with a temporary code, which is exchanged
 * (`POST /app-manifests/{code}/conversions`, no authentication) for the App's id, private key and
 * webhook secret. They are written to `<STEERING_DATA_DIR>/github-app.json` (mode 0600), which the
 * configuration reads when no GITHUB_* variable is set.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { GITHUB_APP_FILE } from '../config.js';
import { SteeringError } from '../errors.js';

export interface GitHubAppSetupOptions {
  /** github.com, or a GitHub Enterprise Server's web URL. */
  githubUrl: string;
  /** The REST API (config.github.apiUrl). */
  apiUrl: string;
  /** Create the App in this organisation (default: the signed-in user's account). */
  org?: string;
  /** Where steering will receive webhooks (`https://…/webhooks/github`); unset: webhooks inactive. */
  webhookUrl?: string;
  /** App name; default `steering`. */
  name?: string;
  port: number;
  dataDir: string;
  manifestPath: string;
  /** Called with the loopback URL to open in a browser. */
  onListening(url: string): void;
}

export interface GitHubAppSetupResult {
  file: string;
  appId: string;
  slug: string;
  htmlUrl: string;
  webhookSecret: boolean;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>${body}</body></html>`;
}

type Send = (status: number, html: string) => void;

/** GitHub's "new App" page, in the organisation when one is given; `state` comes back with the code. */
function newAppUrl(options: GitHubAppSetupOptions, state: string): string {
  const github = options.githubUrl.replace(/\/+$/, '');
  return options.org
    ? `${github}/organizations/${encodeURIComponent(options.org)}/settings/apps/new?state=${state}`
    : `${github}/settings/apps/new?state=${state}`;
}

/** The page that posts the manifest to GitHub at once (the browser follows on to GitHub). */
function manifestFormPage(
  options: GitHubAppSetupOptions,
  base: Record<string, unknown>,
  action: string,
  origin: string,
): string {
  const manifest = {
    ...base,
    name: options.name ?? (base.name as string | undefined) ?? 'steering',
    redirect_url: `${origin}/callback`,
    hook_attributes: options.webhookUrl
      ? { url: options.webhookUrl, active: true }
      : { url: 'https://example.invalid/webhooks/github', active: false },
  };
  return page(
    'Create the steering GitHub App',
    `<p>Creating the GitHub App for steering${options.org ? ` in ${escapeHtml(options.org)}` : ''}…</p>
<form id="create" method="post" action="${escapeHtml(action)}">
<input type="hidden" name="manifest" value="${escapeHtml(JSON.stringify(manifest))}">
<button type="submit">Create the GitHub App</button>
</form>
<script>document.getElementById('create').submit()</script>`,
  );
}

/** GitHub's redirect back: checks the state, exchanges the code, settles the setup. */
function handleCallback(
  options: GitHubAppSetupOptions,
  url: URL,
  state: string,
  send: Send,
  settle: { resolve: (r: GitHubAppSetupResult) => void; reject: (err: Error) => void },
): void {
  const code = url.searchParams.get('code');
  if (url.searchParams.get('state') !== state || !code) {
    send(
      400,
      page(
        'steering',
        '<p>This link does not belong to this setup (state mismatch). Start again from the page steering printed.</p>',
      ),
    );
    return;
  }
  exchange(options, code).then(
    (result) => {
      send(
        200,
        page(
          'steering',
          `<p>The GitHub App ${escapeHtml(result.slug)} is created; steering's settings are written. Install it: <a href="${escapeHtml(result.htmlUrl)}/installations/new">${escapeHtml(result.htmlUrl)}</a>. You can close this page.</p>`,
        ),
      );
      settle.resolve(result);
    },
    (err: Error) => {
      send(502, page('steering', `<p>${escapeHtml(err.message)}</p>`));
      settle.reject(err);
    },
  );
}

export async function runGitHubAppSetup(
  options: GitHubAppSetupOptions,
): Promise<GitHubAppSetupResult> {
  const state = randomBytes(16).toString('hex');
  const base = JSON.parse(readFileSync(options.manifestPath, 'utf8')) as Record<string, unknown>;
  const action = newAppUrl(options, state);

  let server: Server | undefined;
  const done = new Promise<GitHubAppSetupResult>((resolve, reject) => {
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const send: Send = (status, html) => {
        res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
        res.end(html);
      };
      if (req.method === 'GET' && url.pathname === '/')
        send(200, manifestFormPage(options, base, action, origin));
      else if (req.method === 'GET' && url.pathname === '/callback')
        handleCallback(options, url, state, send, { resolve, reject });
      else send(404, page('steering', '<p>Not found</p>'));
    });
  });
  let origin = '';
  await new Promise<void>((resolve) => server!.listen(options.port, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
  options.onListening(origin);
  try {
    return await done;
  } finally {
    server!.closeAllConnections();
    await new Promise((r) => server!.close(r));
  }
}

async function exchange(
  options: GitHubAppSetupOptions,
  code: string,
): Promise<GitHubAppSetupResult> {
  const url = `${options.apiUrl.replace(/\/+$/, '')}/app-manifests/${encodeURIComponent(code)}/conversions`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { accept: 'application/vnd.github+json' },
      signal: AbortSignal.timeout(30_000),
    });
  } catch (err) {
    throw new SteeringError('GITHUB_UNAVAILABLE', `POST ${url}: ${(err as Error).message}`);
  }
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (res.status !== 201)
    throw new SteeringError(
      'GITHUB_ERROR',
      `GitHub answered ${res.status} to the code exchange (${String(body.message ?? '')}); codes last one hour and work once: start again`,
    );
  const app = {
    appId: String(body.id),
    slug: String(body.slug),
    htmlUrl: String(body.html_url),
    privateKey: String(body.pem),
    webhookSecret: typeof body.webhook_secret === 'string' ? body.webhook_secret : null,
    clientId: body.client_id ?? null,
    apiUrl: options.apiUrl,
    createdAt: new Date().toISOString(),
  };
  mkdirSync(options.dataDir, { recursive: true });
  const file = join(options.dataDir, GITHUB_APP_FILE);
  writeFileSync(file, `${JSON.stringify(app, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return {
    file,
    appId: app.appId,
    slug: app.slug,
    htmlUrl: app.htmlUrl,
    webhookSecret: app.webhookSecret !== null,
  };
}
