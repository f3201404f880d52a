/**
 * The GitHub simulator: a stateful HTTP server on loopback that answers the REST endpoints
 * steering uses with GitHub's paths, status codes, headers and complete bodies, and sends
 * complete, signed webhook deliveries. It is as harsh as GitHub by default: primary and secondary
 * rate limits (with GitHub's variety of answers), check runs for Apps only, archived repositories
 * read-only, large files without content, truncated trees, ref-name rules, pagination. Faults can
 * be injected before or after a request is applied, deliveries held back, reordered and
 * duplicated. Every request is recorded, so tests and benchmarks can count calls.
 * `startSimulator({ port: 0 })` → `{ url, close, ...helpers }`.
 */
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { realClock, type Clock } from '../clock.js';
import { countDuplicates } from './count-duplicates.js';
import type { EventContext } from './emit-events.js';
import { FaultInjector } from './faults.js';
import { createRequestHandler, type RecordedRequest } from './handle-request.js';
import type { Route } from './http-kit.js';
import { RateLimiter, type RateLimitOptions } from './rate-limits.js';
import { processRecorder, type TrafficRecorder } from './record-traffic.js';
import { appRoutes } from './routes/apps.js';
import { appManifestRoutes } from './routes/app-manifests.js';
import { checkRoutes } from './routes/checks.js';
import { gitRoutes } from './routes/git.js';
import { hookDeliveryRoutes } from './routes/hook-deliveries.js';
import { issueRoutes } from './routes/issues.js';
import { pullRoutes } from './routes/pulls.js';
import { repoRoutes } from './routes/repos.js';
import { createSeedHelpers } from './seed.js';
import { WebhookSender, type WebhookTarget } from './send-webhooks.js';
import { GITHUB_BEHAVIOUR, createState, type SimBehaviour } from './state.js';

export type { RecordedRequest } from './handle-request.js';

const ROUTES: Route[] = [
  ...appRoutes,
  // Before repoRoutes: `/commits/{ref}/check-runs` is not a `/commits` listing.
  ...checkRoutes,
  ...repoRoutes,
  ...gitRoutes,
  ...pullRoutes,
  ...issueRoutes,
  ...appManifestRoutes,
  ...hookDeliveryRoutes,
];

export interface SimulatorOptions {
  /** Default 0 (any free port). Always binds 127.0.0.1. */
  port?: number;
  /** Default: real time. A scaled clock shrinks every rate-limit window and `retry-after`. */
  clock?: Clock;
  /** GitHub's primary and secondary limits, on by default (`{ secondary: false }` turns them off). */
  rateLimits?: RateLimitOptions;
  /** A GitHub App whose JWTs the simulator accepts (public key in PEM). */
  app?: { id: number; slug?: string; publicKey: string };
  /** Extra delay per request in simulated ms (default 0). */
  latencyMs?: number;
  /** GitHub's figures (tree truncation, large files, mergeability delay, head-invalid window). */
  behaviour?: Partial<SimBehaviour>;
  /** Where traffic goes for the conformance check. Default: the process-wide recorder, if any. */
  recorder?: TrafficRecorder;
}

/** Controls of the webhook deliveries the simulator sends. */
function webhookControls(webhooks: WebhookSender) {
  return {
    /** Send signed webhook deliveries to steering (`undefined` turns them off). */
    setWebhook: (target: WebhookTarget | undefined) => webhooks.configure(target),
    deliveries: webhooks.deliveries,
    /** Wait until every webhook sent so far has been answered. */
    flushWebhooks: () => webhooks.flush(),
    /** Hold deliveries back from now on (late delivery), until `releaseWebhooks`. */
    holdWebhooks: () => webhooks.hold(),
    /** Send held deliveries, in order or reversed, optionally each twice (same delivery id). */
    releaseWebhooks: (o?: { order?: 'fifo' | 'reverse'; duplicate?: boolean }) =>
      webhooks.release(o),
    /** Send a delivery again with the same `X-GitHub-Delivery` (GitHub's "redeliver"). */
    redeliver: (id: string) => webhooks.redeliver(id),
  };
}

export interface RequestFilter {
  method?: string;
  /** A substring of the path, or a pattern. */
  path?: string | RegExp;
  status?: number;
  write?: boolean;
}

const matches = (r: RecordedRequest, filter: RequestFilter): boolean =>
  (!filter.method || r.method === filter.method) &&
  (filter.path === undefined ||
    (typeof filter.path === 'string' ? r.path.includes(filter.path) : filter.path.test(r.path))) &&
  (filter.status === undefined || r.status === filter.status) &&
  (filter.write === undefined || r.write === filter.write);

/** The simulator's state with GitHub's App, if one is given (its JWTs are accepted). */
function createSimState(app: SimulatorOptions['app']) {
  const state = createState();
  if (app) state.app = { id: app.id, slug: app.slug ?? 'steering', publicKey: app.publicKey };
  return state;
}

export async function startSimulator(options: SimulatorOptions = {}) {
  const clock = options.clock ?? realClock;
  const state = createSimState(options.app);
  const limits = new RateLimiter(options.rateLimits ?? {}, clock);
  const faults = new FaultInjector();
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let baseUrl = '';
  const recorder = () => options.recorder ?? processRecorder();
  const webhooks = new WebhookSender(recorder, state.hookDeliveries);
  const behaviour: SimBehaviour = { ...GITHUB_BEHAVIOUR, ...options.behaviour };
  const events: EventContext = {
    webhooks,
    baseUrl: '',
    now: () => clock.now(),
    app: { id: options.app?.id ?? 1, slug: options.app?.slug ?? 'steering' },
  };
  let latencyMs = options.latencyMs ?? 0;
  const handle = createRequestHandler(
    {
      routes: ROUTES,
      state,
      clock,
      limits,
      faults,
      requests,
      events,
      behaviour,
      latencyMs: () => latencyMs,
      recorder,
    },
    () => baseUrl,
  );

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
    behaviour,
    ...createSeedHelpers(state, clock, events, behaviour),
    ...webhookControls(webhooks),
    /** Arm a fault for the next matching request(s). */
    inject: faults.inject.bind(faults),
    clearFaults: faults.clear.bind(faults),
    /** Change rate limits while running (e.g. tighten secondary limits for one test). */
    setRateLimits(next: RateLimitOptions): void {
      limits.options = { ...limits.options, ...next };
    },
    /** Writes made twice (open PRs per head, comments, check runs, statuses); goal 0. */
    duplicatedWrites: () => countDuplicates(state),
    /** Secondary-limit answers given so far, by form. */
    secondaryAnswers: limits.secondaryAnswers,
    writesInLastMinute: (key: string) => limits.writesInLastMinute(key),
    /** Delay every request by this many simulated ms (holds requests in flight). */
    setLatency(ms: number): void {
      latencyMs = ms;
    },
    /** Requests matching a method and a path substring or pattern (all when omitted). */
    count: (filter: RequestFilter = {}) => requests.filter((r) => matches(r, filter)).length,
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
