/**
 * The Express 5 app, built from its dependencies and returned without listening (tests use it
 * with supertest; `startServer` listens). Order: request id, access log and latency
 * (`observe-requests.ts`), security headers, ops routes, /v1 routes, 404, the one problem+json error mapper.
 */
import express, { type Express, type Request, type RequestHandler, type Response } from 'express';
import helmet from 'helmet';
import { SteeringError } from '../errors.js';
import type { Logger } from '../log.js';
import { registerPoolMetrics, type Metrics } from '../metrics.js';
import type { Db } from '../store/index.js';
import type { PublishOptions } from '../publish/index.js';
import { createAuthenticator, type AuthOptions } from './authenticate.js';
import { buildOpenApi } from './build-openapi.js';
import { mountRoute } from './define-route.js';
import { mountLiveness, mountOpsRoutes, type ReadinessCheck } from './ops-routes.js';
import { notFoundHandler, problemHandler } from './problem.js';
import { rolloutRoutes } from './rollout-routes.js';
import { complianceRoutes } from './compliance-routes.js';
import { adminRoutes, type AdminDeps } from './admin-routes.js';
import { fleetRoutes } from './fleet-routes.js';
import { waiverRoutes } from './waiver-routes.js';
import { measurementRoutes } from './measurement-routes.js';
import { v1Routes } from './v1-routes.js';
import { checksRoutes } from './checks-routes.js';
import { webRouter } from '../web/index.js';
import {
  WEBHOOK_PATH,
  webhookRouter,
  type WebhookIntakeOptions,
  type WebhookRouter,
} from './webhooks/receive-github-webhook.js';
import { observeRequests } from './observe-requests.js';
import { guardFailedAuth, type FailedAuthLimits } from './guard-failed-auth.js';

export interface AppDeps {
  db: Db;
  logger: Logger;
  /** Fresh per app: request histogram, process metrics; the app adds the pool gauges. */
  metrics: Metrics;
  /** Named dependency pings for /ready. Default: `{ postgres: db.ping }`; serve adds `redis`. */
  readiness?: Record<string, ReadinessCheck>;
  /** Max markdown body for publishing. Default '1mb'. */
  bodyLimit?: string;
  /** Runs in the publishing transaction after a new version is stored (rollout creation hooks in here). */
  onPublished?: PublishOptions['onPublished'];
  /** Compiles published documents off the event loop, within limits (createCompilePool). */
  compile?: PublishOptions['compile'];
  auth?: AuthOptions;
  /** Shown in /openapi.json. Default '0.1.0'. */
  version?: string;
  /** Throttling of clients that keep failing authentication (default: 30 a minute, in-process). */
  failedAuth?: FailedAuthLimits;
  /** Mounts `POST /webhooks/github` when given (needs config.github.webhookSecret). */
  webhooks?: Omit<WebhookIntakeOptions, 'db' | 'logger'>;
  /** Admin actions the server can run for the CLI (repository sync when GitHub is configured). */
  admin?: Omit<AdminDeps, 'db'>;
  /** Days after which a measured figure is stale (STEERING_MEASUREMENT_STALE_DAYS). Default 14. */
  staleAfterDays?: number;
  /** Fleet compliance: rescan hook (POST …/scans), waiver limit, dashboard access. */
  compliance?: ComplianceOptions;
}

export interface ComplianceOptions {
  /** Enqueues a forced scan of a repository's head; without it POST …/scans answers 409. */
  rescan?: (repositoryId: number, sha: string) => Promise<string | null>;
  /** Longest waiver in days. Default 180. */
  maxWaiverDays?: number;
  /** The dashboard at `/` without logging in (read-only). Default false. */
  publicDashboard?: boolean;
  /** Badges without a token. Default false. */
  publicBadges?: boolean;
}

const checkMediaType =
  (types: string[]): RequestHandler =>
  (req, _res, next) => {
    if (!req.is(types)) {
      throw new SteeringError(
        'UNSUPPORTED_MEDIA_TYPE',
        `send the body as ${types.join(' or ')} (got ${req.get('content-type') ?? 'none'})`,
      );
    }
    next();
  };

/**
 * helmet's headers, worked out once: with its defaults every header is the same on every answer,
 * so the app sets the list it wrote instead of running its dozen middlewares per request.
 */
function securityHeaders(): RequestHandler {
  const headers: [string, string][] = [];
  let done = false;
  const probe = {
    setHeader: (name: string, value: unknown) => headers.push([name, String(value)]),
    removeHeader: () => undefined,
  };
  helmet()({ headers: {} } as Request, probe as unknown as Response, () => (done = true));
  if (!done || !headers.length) throw new Error('helmet did not answer synchronously');
  return (_req, res, next) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}

/** Every declared route (mounted by createApp, described by /openapi.json). */
export function apiRoutes(
  deps: Pick<
    AppDeps,
    'db' | 'bodyLimit' | 'onPublished' | 'compliance' | 'compile' | 'staleAfterDays' | 'admin'
  >,
) {
  return [
    ...v1Routes({
      db: deps.db,
      bodyLimit: deps.bodyLimit,
      onPublished: deps.onPublished,
      compile: deps.compile,
    }),
    ...rolloutRoutes({ db: deps.db }),
    ...complianceRoutes({ db: deps.db }),
    ...measurementRoutes({ db: deps.db, staleAfterDays: deps.staleAfterDays }),
    ...fleetRoutes({ db: deps.db, rescan: deps.compliance?.rescan }),
    ...waiverRoutes({ db: deps.db, maxDays: deps.compliance?.maxWaiverDays }),
    ...adminRoutes({ db: deps.db, ...deps.admin }),
    ...checksRoutes(deps),
  ];
}

/** The OpenAPI document without a running app (routes only declare; nothing is queried). */
export function openApiDocument(version = '0.1.0'): unknown {
  return buildOpenApi(apiRoutes({ db: null as unknown as Db }), { version });
}

const intakes = new WeakMap<Express, WebhookRouter>();

/**
 * Resolves once the app's webhook intake has enqueued and marked every delivery it answered
 * (at once without an intake). Shutdown awaits it before closing the database.
 */
export function webhookIntakeIdle(app: Express): Promise<void> {
  return intakes.get(app)?.idle() ?? Promise.resolve();
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.set('etag', false); // hashing every body costs CPU; immutable records set their own ETag
  mountLiveness(app);

  app.use(observeRequests({ logger: deps.logger, metrics: deps.metrics }));
  app.use(securityHeaders());
  registerPoolMetrics(deps.metrics, () => deps.db.stats());

  const authenticate = createAuthenticator(deps.db, deps.logger, deps.auth);
  const routes = apiRoutes({
    ...deps,
    admin: { ...deps.admin, onTokenRevoked: authenticate.forget },
  });
  let openapi: unknown;
  mountOpsRoutes(app, {
    metrics: deps.metrics,
    readiness: deps.readiness ?? { postgres: () => deps.db.ping() },
    openapi: () => (openapi ??= buildOpenApi(routes, { version: deps.version ?? '0.1.0' })),
  });
  const guard = guardFailedAuth(deps.failedAuth);
  app.use(['/v1', WEBHOOK_PATH], guard);
  if (deps.webhooks) {
    const intake = webhookRouter({ ...deps.webhooks, db: deps.db, logger: deps.logger });
    app.use(intake);
    intakes.set(app, intake);
  }
  for (const r of routes) mountRoute(app, r, authenticate, checkMediaType);

  app.use(
    webRouter({
      db: deps.db,
      publicRead: deps.compliance?.publicDashboard,
      publicBadges: deps.compliance?.publicBadges,
    }),
  );

  app.use(notFoundHandler);
  app.use(problemHandler);
  return app;
}
