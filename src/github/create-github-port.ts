/**
 * `createGitHubPort(config, options)`: the production GitHubPort. With App auth it keeps one
 * App-level Octokit (JWT: installations) and builds one Octokit per installation on first use,
 * cached for the life of the port (installation tokens are minted and refreshed by auth-app).
 * With a token, every installation id maps to the one token-authenticated client.
 */
import type { Config } from '../config.js';
import { silentLogger, type Logger } from '../log.js';
import { buildOctokit, type OctokitAuth, type SteeringOctokit } from './build-octokit.js';
import { realClock, type Clock } from './clock.js';
import { createRepositoryPort, type Translate } from './create-repository-port.js';
import { toRepositoryInfo } from './map-github.js';
import type { GitHubPort, HookDelivery, RepositoryPort } from './port.js';
import { translateGitHubError } from './translate-error.js';
import type { WriteLimiter } from './write-limiter.js';

export interface GitHubPortOptions {
  /** Transport; default `globalThis.fetch`. */
  fetch?: typeof fetch;
  logger?: Logger;
  /** Shared limiter for content-creating requests. Default: none (writes are not spaced). */
  writeLimiter?: WriteLimiter;
  /** Clock for rate-limit waits (must match the simulator's in scaled benchmarks). Default real. */
  clock?: Clock;
  /** Per-request timeout in real ms. Default 30 000. */
  requestTimeoutMs?: number;
  /** Retries of 5xx, timeouts and network errors (plugin-retry). Default 3. */
  retries?: number;
  /** plugin-retry waits (n+1)² × this, real ms. Default 1000. */
  retryBaseDelayMs?: number;
  /** Backoff base when a rate-limited answer has neither retry-after nor reset. Default 60 000. */
  rateLimitBaseDelayMs?: number;
  /** Rate-limited retries done in-process before RATE_LIMITED is thrown. Default 3. */
  maxRateLimitRetries?: number;
  /** Longer waits are not slept in-process: RATE_LIMITED (with retryAfterSeconds) is thrown. Default 15 min. */
  maxRateLimitWaitMs?: number;
  userAgent?: string;
}

type Build = (auth: OctokitAuth, limiterKey: string) => SteeringOctokit;
type InstallationClient = { octokit: SteeringOctokit; port: RepositoryPort };

/** Builds Octokits that share everything (base URL, transport, limits, clock) but auth and key. */
function octokitBuilder(
  config: Pick<Config, 'github'>,
  options: GitHubPortOptions,
  shared: { clock: Clock; logger: Logger; rateLimitBaseDelayMs: number },
): Build {
  return (auth, limiterKey) =>
    buildOctokit({
      baseUrl: config.github.apiUrl,
      auth,
      limiterKey,
      writeLimiter: options.writeLimiter,
      fetch: options.fetch ?? globalThis.fetch,
      clock: shared.clock,
      logger: shared.logger,
      requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
      retries: options.retries ?? 3,
      retryBaseDelayMs: options.retryBaseDelayMs ?? 1000,
      rateLimitBaseDelayMs: shared.rateLimitBaseDelayMs,
      maxRateLimitRetries: options.maxRateLimitRetries ?? 3,
      maxRateLimitWaitMs: options.maxRateLimitWaitMs ?? 15 * 60_000,
      userAgent: options.userAgent ?? 'steering',
    });
}

/**
 * One Octokit and RepositoryPort per installation id, built on first use and kept. Token mode:
 * every id shares one client (and one limiter key).
 */
function installationCache(
  auth: Config['github']['auth'],
  build: Build,
  newPort: (octokit: SteeringOctokit) => RepositoryPort,
): (id: number) => InstallationClient {
  const installations = new Map<number, InstallationClient>();
  return (id) => {
    let entry = installations.get(id);
    if (!entry) {
      const octokit =
        auth.kind === 'app'
          ? build({ ...auth, installationId: id }, `installation-${id}`)
          : build(auth, auth.kind === 'token' ? 'token' : 'anonymous');
      entry = { octokit, port: newPort(octokit) };
      installations.set(id, entry);
      if (auth.kind !== 'app') for (const k of [0, id]) installations.set(k, entry);
    }
    return entry;
  };
}

/** The App's webhook delivery log: its recent attempts, and asking for one again. */
function appHookDeliveries(
  app: () => SteeringOctokit,
  translate: Translate,
): Required<Pick<GitHubPort, 'listHookDeliveries' | 'redeliverHook'>> {
  return {
    listHookDeliveries: (since: Date) =>
      listHookDeliveries(app(), since).catch((err) => {
        throw translate(err, 'list webhook deliveries');
      }),
    async redeliverHook(id: number) {
      try {
        await app().request('POST /app/hook/deliveries/{delivery_id}/attempts', {
          delivery_id: id,
        });
      } catch (err) {
        throw translate(err, `redeliver webhook delivery ${id}`);
      }
    },
  };
}

export function createGitHubPort(
  config: Pick<Config, 'github'>,
  options: GitHubPortOptions = {},
): GitHubPort {
  const clock = options.clock ?? realClock;
  const logger = (options.logger ?? silentLogger).child({ component: 'github' });
  const rateLimitBaseDelayMs = options.rateLimitBaseDelayMs ?? 60_000;
  const translate: Translate = (err, operation) =>
    translateGitHubError(err, operation, { clock, rateLimitBaseDelayMs });
  const { auth } = config.github;
  const build = octokitBuilder(config, options, { clock, logger, rateLimitBaseDelayMs });
  const installation = installationCache(auth, build, (octokit) =>
    createRepositoryPort(octokit, translate, {
      policy: {
        clock,
        retries: options.retries ?? 3,
        baseDelayMs: options.retryBaseDelayMs ?? 1000,
      },
      logger,
    }),
  );
  let appOctokit: SteeringOctokit | undefined;
  const app = (): SteeringOctokit => (appOctokit ??= build(auth, 'app'));

  return {
    async listInstallations() {
      if (auth.kind !== 'app')
        return [
          { id: 0, account: auth.kind === 'token' ? 'token' : 'anonymous', accountType: 'User' },
        ];
      const octokit = app();
      try {
        const list = await octokit.paginate(octokit.rest.apps.listInstallations, {
          per_page: 100,
        });
        return list.map((i) => ({
          id: i.id,
          account: accountLogin(i.account),
          accountType: i.target_type,
        }));
      } catch (err) {
        throw translate(err, 'list installations');
      }
    },

    async listInstallationRepositories(installationId) {
      const { octokit } = installation(installationId);
      try {
        const repos = await octokit.paginate(octokit.rest.apps.listReposAccessibleToInstallation, {
          per_page: 100,
        });
        return repos.map(toRepositoryInfo);
      } catch (err) {
        throw translate(err, `list repositories of installation ${installationId}`);
      }
    },

    forInstallation: (installationId) => installation(installationId).port,

    ...(auth.kind === 'app' ? appHookDeliveries(app, translate) : {}),
  };
}

/** Pages (GitHub's cursor, followed through `Link`) until an attempt older than `since`. */
async function listHookDeliveries(octokit: SteeringOctokit, since: Date): Promise<HookDelivery[]> {
  const out: HookDelivery[] = [];
  const pages = octokit.paginate.iterator('GET /app/hook/deliveries', { per_page: 100 });
  for await (const page of pages) {
    for (const d of page.data) {
      if (Date.parse(d.delivered_at) < since.getTime()) return out;
      out.push({
        id: Number(d.id),
        guid: d.guid,
        deliveredAt: d.delivered_at,
        redelivery: d.redelivery,
        statusCode: d.status_code,
        event: d.event,
        action: d.action,
      });
    }
  }
  return out;
}

function accountLogin(account: unknown): string {
  const a = account as { login?: string; slug?: string } | null;
  return a?.login ?? a?.slug ?? '';
}
