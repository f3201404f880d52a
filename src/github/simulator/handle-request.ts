/**
 * One simulated GitHub request, in GitHub's order: authenticate, faults armed `before`, primary
 * and secondary rate limits, route, handler, faults armed `after` (the request was applied, its
 * answer is lost), ETag / 304. Every answer carries `x-github-request-id` and the rate-limit
 * headers; every answer is recorded (`requests`) and, when a traffic recorder is set, kept for
 * the conformance check.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { classifyRequest } from '../classify-request.js';
import type { Clock } from '../clock.js';
import type { FaultInjector } from './faults.js';
import { SimHttpError, matchRoute, type Ctx, type Route, type SimResponse } from './http-kit.js';
import type { RateLimiter } from './rate-limits.js';
import { RECORDED_HEADERS, type TrafficRecorder } from './record-traffic.js';
import type { SimBehaviour, SimState, TokenIdentity } from './state.js';
import { isJwt, verifyAppJwt } from './verify-app-jwt.js';
import type { EventContext } from './emit-events.js';

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
  /** Set when a fault armed `after` lost the answer of an applied request. */
  appliedThenFailed?: boolean;
}

export interface HandlerDeps {
  routes: Route[];
  state: SimState;
  clock: Clock;
  limits: RateLimiter;
  faults: FaultInjector;
  requests: RecordedRequest[];
  events: EventContext;
  behaviour: SimBehaviour;
  latencyMs: () => number;
  recorder: () => TrafficRecorder | undefined;
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

function defaultMessage(status: number): string {
  return status === 404
    ? 'Not Found'
    : status === 409
      ? 'Conflict'
      : status === 422
        ? 'Validation Failed'
        : status === 502
          ? 'Bad Gateway'
          : status === 503
            ? 'Service Unavailable'
            : 'Server Error';
}

/** `/repositories/{id}/...` (where renamed repositories redirect) as `/repos/{owner}/{name}/...`. */
function canonicalPath(state: SimState, path: string): string {
  const m = /^\/repositories\/(\d+)(\/.*)?$/.exec(path);
  if (!m) return path;
  const repo = [...state.repos.values()].find((r) => r.id === Number(m[1]));
  return repo ? `/repos/${repo.owner}/${repo.name}${m[2] ?? ''}` : path;
}

/** GitHub's request ids look like `C0DE:1A2B:…`. */
const newRequestId = () =>
  randomBytes(8)
    .toString('hex')
    .toUpperCase()
    .replace(/(.{4})(?=.)/g, '$1:');

/** Writes the answer and, for REST traffic, hands it to the conformance recorder. */
function writeAnswer(
  res: ServerResponse,
  r: SimResponse,
  all: Record<string, string>,
  call: { method: string; path: string; recorder: TrafficRecorder | undefined },
): void {
  const empty = r.status === 204 || r.status === 304 || r.body === undefined;
  if (call.recorder) {
    const kept: Record<string, string> = {};
    for (const h of RECORDED_HEADERS) if (all[h] !== undefined) kept[h] = all[h];
    call.recorder.record({
      kind: 'call',
      method: call.method,
      path: call.path,
      status: r.status,
      headers: kept,
      body: empty ? undefined : r.body,
    });
  }
  if (empty) return void res.writeHead(r.status, all).end();
  res
    .writeHead(r.status, { 'content-type': 'application/json; charset=utf-8', ...all })
    .end(JSON.stringify(r.body));
}

type Fault = ReturnType<FaultInjector['take']>;

/** A fault armed `before`: throws GitHub's answer for it; `'silent'` when the request never gets one. */
function applyFaultBefore(fault: Fault): 'silent' | undefined {
  if (fault?.kind === 'timeout') return 'silent'; // never answer; close() destroys the socket
  if (fault?.kind === 'secondary-limit')
    throw new SimHttpError(403, 'You have exceeded a secondary rate limit.', {
      headers: { 'retry-after': String(fault.retryAfterSeconds) },
    });
  if (fault?.kind === 'head-invalid')
    throw new SimHttpError(422, 'Validation Failed', {
      errors: [{ resource: 'PullRequest', field: 'head', code: 'invalid' }],
    });
  if (fault?.kind === 'status')
    throw new SimHttpError(fault.status, fault.message ?? defaultMessage(fault.status));
  return undefined;
}

/** A fault armed `after`: the request was applied, its answer is lost (an error or no answer). */
function applyFaultAfter(after: Fault, record: RecordedRequest): 'silent' | undefined {
  if (!after) return undefined;
  record.appliedThenFailed = true;
  if (after.kind === 'timeout') return 'silent';
  throw new SimHttpError(
    after.kind === 'status' ? after.status : 502,
    after.kind === 'status' ? (after.message ?? defaultMessage(after.status)) : 'Bad Gateway',
  );
}

/** Whose rate-limit budget a request spends: the App's, an installation's or a user's. */
function limitKeyOf(identity: Ctx['identity']): string {
  return 'app' in identity
    ? 'app'
    : identity.installationId !== undefined
      ? `installation ${identity.installationId}`
      : `user ${identity.login}`;
}

const etagOf = (body: unknown) =>
  `W/"${createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 40)}"`;

/** The request log's entry for one request; its status and caller are filled in as it is answered. */
function recordRequest(d: HandlerDeps, method: string, path: string, write: boolean) {
  const record: RecordedRequest = {
    method,
    path,
    status: 0,
    at: d.clock.now(),
    caller: '-',
    write,
  };
  d.requests.push(record);
  return record;
}

export function createRequestHandler(d: HandlerDeps, baseUrl: () => string) {
  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://sim');
    const path = canonicalPath(d.state, url.pathname);
    const kind = classifyRequest(method, path);
    const write = kind !== 'read';
    const record = recordRequest(d, method, path, write);
    const requestId = newRequestId();
    // `/__simulator/…` routes stand in for a person in GitHub's web UI, not for the REST API.
    const recorder = path.startsWith('/__simulator/') ? undefined : d.recorder;
    let limitKey: string | undefined;
    let headers: Record<string, string> = {};
    const send = (r: SimResponse) => {
      record.status = r.status;
      const all = {
        'x-github-request-id': requestId,
        'x-github-api-version-selected': '2022-11-28',
        ...headers,
        ...r.headers,
      };
      writeAnswer(res, r, all, { method, path, recorder: recorder?.() });
    };
    try {
      const found = matchRoute(d.routes, method, path);
      const identity = found?.route.anonymous
        ? { login: 'anonymous' }
        : identify(
            d.state,
            req.headers.authorization,
            found?.route.appAuth ?? path.startsWith('/app'),
          );
      record.caller = identity.login;
      if (applyFaultBefore(d.faults.take(method, path, 'before')) === 'silent') return;
      limitKey = limitKeyOf(identity);
      d.limits.admit(limitKey, write, kind === 'notifying');
      headers = d.limits.headers(limitKey);
      const latency = d.latencyMs();
      if (latency) await d.clock.sleep(latency);
      if (!found) throw new SimHttpError(404, 'Not Found');
      const ctx: Ctx = {
        method,
        path,
        params: found.params,
        query: url.searchParams,
        headers: req.headers,
        body: await readBody(req),
        identity,
        state: d.state,
        clock: d.clock,
        baseUrl: baseUrl(),
        events: d.events,
        behaviour: d.behaviour,
      };
      const result = await found.route.handler(ctx);
      if (applyFaultAfter(d.faults.take(method, path, 'after'), record) === 'silent') return;
      if (method === 'GET' && result.status === 200) {
        headers.etag = etagOf(result.body);
        if (req.headers['if-none-match'] === headers.etag) {
          d.limits.refund(limitKey);
          headers = { ...headers, ...d.limits.headers(limitKey) };
          return send({ status: 304 });
        }
      }
      send(result);
    } catch (err) {
      const e = err instanceof SimHttpError ? err : new SimHttpError(500, 'Server Error');
      send({ status: e.status, body: e.toBody(), headers: e.extra.headers ?? {} });
    } finally {
      if (limitKey) d.limits.release(limitKey);
    }
  };
}
