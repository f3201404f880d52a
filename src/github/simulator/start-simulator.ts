/**
 * The GitHub simulator: a stateful HTTP server on loopback that answers the REST endpoints
 * steering uses with GitHub's paths, status codes, headers and error bodies. It enforces primary
 * and secondary rate limits, injects faults on demand and records every request, so tests and
 * benchmarks can count calls. `startSimulator({ port: 0 })` → `{ url, close, ...helpers }`.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { realClock, type Clock } from '../clock.js';
import { FaultInjector } from './faults.js';
import { SimHttpError, matchRoute, type Ctx, type Route, type SimResponse } from './http-kit.js';
import { RateLimiter, secondary, type RateLimitOptions } from './rate-limits.js';
import { appRoutes } from './routes/apps.js';
import { appManifestRoutes } from './routes/app-manifests.js';
import { checkRoutes } from './routes/checks.js';
import { gitRoutes } from './routes/git.js';
import { issueRoutes } from './routes/issues.js';
import { pullRoutes } from './routes/pulls.js';
import { repoRoutes } from './routes/repos.js';
import { createSeedHelpers } from './seed.js';
import { WebhookSender, type WebhookTarget } from './send-webhooks.js';
import { createState, type SimState, type TokenIdentity } from './state.js';
import { isJwt, verifyAppJwt } from './verify-app-jwt.js';

const ROUTES: Route[] = [
  ...appRoutes,
  ...repoRoutes,
  ...gitRoutes,
  ...pullRoutes,
  ...issueRoutes,
  ...checkRoutes,
  ...appManifestRoutes,
];

export interface SimulatorOptions {
  /** Default 0 (any free port). Always binds 127.0.0.1. */
  port?: number;
  /** Default: real time. A scaled clock shrinks every rate-limit window and `retry-after`. */
  clock?: Clock;
  rateLimits?: RateLimitOptions;
  /** A GitHub App whose JWTs the simulator accepts (public key in PEM). */
  app?: { id: number; slug?: string; publicKey: string };
  /** Extra delay per request in simulated ms (default 0). */
  latencyMs?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  status: number;
  /** Simulated epoch ms when the request arrived. */
  at: number;
  /** Who called: an installation token's bot login, a token's login or `app`. */
  caller: string;
  /** Content-creating (POST/PATCH/PUT/DELETE other than token creation). */
  write: boolean;
}

const isWriteRequest = (method: string, path: string): boolean =>
  !['GET', 'HEAD'].includes(method) && !/^\/app\/installations\/[^/]+\/access_tokens$/.test(path);

function send(res: ServerResponse, r: SimResponse, extraHeaders: Record<string, string>): void {
  const headers: Record<string, string> = { ...extraHeaders, ...r.headers };
  if (r.status === 204 || r.status === 304 || r.body === undefined) {
    res.writeHead(r.status, headers).end();
    return;
  }
  res
    .writeHead(r.status, { 'content-type': 'application/json; charset=utf-8', ...headers })
    .end(JSON.stringify(r.body));
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  if (!chunks.length) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new SimHttpError(400, 'Problems parsing JSON');
  }
}

function identify(state: SimState, header: string | undefined, appRoute: boolean): Ctx['identity'] {
  const token = header?.replace(/^(token|bearer)\s+/i, '');
  if (!token) throw new SimHttpError(401, 'Requires authentication');
  if (isJwt(token)) {
    const problem = verifyAppJwt(token, state.app);
    if (problem) throw new SimHttpError(401, problem);
    if (!appRoute)
      throw new SimHttpError(401, 'A JSON web token cannot be used to access this endpoint');
    return { app: true, login: state.app?.slug ?? 'app' };
  }
  const identity: TokenIdentity | undefined = state.tokens.get(token);
  if (!identity || (identity.expiresAt !== undefined && identity.expiresAt < Date.now())) {
    throw new SimHttpError(401, 'Bad credentials');
  }
  if (appRoute) throw new SimHttpError(401, 'A JSON web token is required to access this endpoint');
  return identity;
}

export async function startSimulator(options: SimulatorOptions = {}) {
  const clock = options.clock ?? realClock;
  const state = createState();
  if (options.app)
    state.app = {
      id: options.app.id,
      slug: options.app.slug ?? 'steering',
      publicKey: options.app.publicKey,
    };
  const limits = new RateLimiter(options.rateLimits ?? {}, clock);
  const faults = new FaultInjector();
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let baseUrl = '';
  const webhooks = new WebhookSender();
  const events = { webhooks, baseUrl: '' };
  let latencyMs = options.latencyMs ?? 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = clock.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://sim');
    const path = url.pathname;
    const write = isWriteRequest(method, path);
    const record = { method, path, status: 0, at, caller: '-', write };
    requests.push(record);
    let limitKey: string | undefined;
    let headers: Record<string, string> = {};
    try {
      const found = matchRoute(ROUTES, method, path);
      const identity = found?.route.anonymous
        ? { login: 'anonymous' }
        : identify(
            state,
            req.headers.authorization,
            found?.route.appAuth ?? path.startsWith('/app'),
          );
      record.caller = identity.login;
      const fault = faults.take(method, path);
      if (fault?.kind === 'timeout') return; // never answer; close() destroys the socket
      if (fault?.kind === 'secondary-limit') throw secondary(fault.retryAfterSeconds);
      if (fault?.kind === 'status')
        throw new SimHttpError(fault.status, fault.message ?? defaultMessage(fault.status));
      limitKey =
        'app' in identity
          ? 'app'
          : identity.installationId !== undefined
            ? `installation ${identity.installationId}`
            : `user ${identity.login}`;
      limits.admit(limitKey, write);
      headers = limits.headers(limitKey);
      if (latencyMs) await clock.sleep(latencyMs);
      if (!found) throw new SimHttpError(404, 'Not Found');
      const body = await readBody(req);
      const ctx: Ctx = {
        method,
        path,
        params: found.params,
        query: url.searchParams,
        headers: req.headers,
        body,
        identity,
        state,
        clock,
        baseUrl,
        events,
      };
      const result = await found.route.handler(ctx);
      if (method === 'GET' && result.status === 200) {
        const etag = `W/"${createHash('sha256').update(JSON.stringify(result.body)).digest('hex').slice(0, 40)}"`;
        headers.etag = etag;
        if (req.headers['if-none-match'] === etag) {
          record.status = 304;
          limits.refund(limitKey);
          return send(res, { status: 304 }, { ...headers, ...limits.headers(limitKey) });
        }
      }
      record.status = result.status;
      send(res, result, headers);
    } catch (err) {
      const e = err instanceof SimHttpError ? err : new SimHttpError(500, 'Server Error');
      record.status = e.status;
      send(res, { status: e.status, body: e.toBody(), headers: e.extra.headers ?? {} }, headers);
    } finally {
      if (limitKey) limits.release(limitKey);
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  events.baseUrl = baseUrl;

  return {
    url: baseUrl,
    state,
    requests,
    clock,
    ...createSeedHelpers(state, clock, events),
    /** Send signed webhook deliveries to steering (`undefined` turns them off). */
    setWebhook: (target: WebhookTarget | undefined) => webhooks.configure(target),
    deliveries: webhooks.deliveries,
    /** Wait until every webhook sent so far has been answered. */
    flushWebhooks: () => webhooks.flush(),
    /** Arm a fault for the next matching request(s). */
    inject: faults.inject.bind(faults),
    clearFaults: faults.clear.bind(faults),
    /** Change rate limits while running (e.g. tighten secondary limits for one test). */
    setRateLimits(next: RateLimitOptions): void {
      limits.options = { ...limits.options, ...next };
    },
    writesInLastMinute: (key: string) => limits.writesInLastMinute(key),
    /** Delay every request by this many simulated ms (holds requests in flight). */
    setLatency(ms: number): void {
      latencyMs = ms;
    },
    /** Requests matching a method and a path substring or pattern (all when omitted). */
    count(
      filter: { method?: string; path?: string | RegExp; status?: number; write?: boolean } = {},
    ): number {
      return requests.filter(
        (r) =>
          (!filter.method || r.method === filter.method) &&
          (filter.path === undefined ||
            (typeof filter.path === 'string'
              ? r.path.includes(filter.path)
              : filter.path.test(r.path))) &&
          (filter.status === undefined || r.status === filter.status) &&
          (filter.write === undefined || r.write === filter.write),
      ).length;
    },
    resetRequests(): void {
      requests.length = 0;
    },
    async close(): Promise<void> {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type Simulator = Awaited<ReturnType<typeof startSimulator>>;

function defaultMessage(status: number): string {
  return status === 404
    ? 'Not Found'
    : status === 422
      ? 'Validation Failed'
      : status === 502
        ? 'Bad Gateway'
        : 'Server Error';
}
