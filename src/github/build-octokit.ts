/**
 * Builds one configured Octokit: App or token auth, GHES base URL, plugin-retry (5xx, timeouts,
 * network errors, with backoff), a request timeout, the shared Redis write limiter before every
 * content-creating send (and its notification budget before a notifying one:
 * `classify-request.ts`), then a place among the key's requests in flight (`request-slots.ts`: the
 * per-process concurrency plugin-throttling's `global` group kept, taken after the limiter wait so
 * that a write asleep on the limiter holds none), and steering's rate-limit policy
 * (`rate-limit-delay.ts`) as the outermost hook. Each send, plugin-retry's re-sends included, goes
 * through the limiter.
 */
import { createAppAuth } from '@octokit/auth-app';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import type { Logger } from '../log.js';
import { classifyRequest, pathBelow } from './classify-request.js';
import type { Clock } from './clock.js';
import { isHttpError, isRateLimited, rateLimitDelayMs } from './rate-limit-delay.js';
import { takeRequestSlot } from './request-slots.js';
import type { WriteLimiter, WriteSlot } from './write-limiter.js';

export const SteeringOctokit = Octokit.plugin(retry, throttling);
export type SteeringOctokit = InstanceType<typeof SteeringOctokit>;

export type OctokitAuth =
  | { kind: 'app'; appId: string; privateKey: string; installationId?: number }
  | { kind: 'token'; token: string }
  | { kind: 'none' };

export interface BuildOctokitOptions {
  baseUrl: string;
  auth: OctokitAuth;
  /** Limiter key (`installation-<id>`, `token`); writes are not limited when no limiter is given. */
  limiterKey: string;
  writeLimiter: WriteLimiter | undefined;
  fetch: typeof fetch;
  clock: Clock;
  logger: Logger;
  requestTimeoutMs: number;
  retries: number;
  retryBaseDelayMs: number;
  rateLimitBaseDelayMs: number;
  maxRateLimitRetries: number;
  maxRateLimitWaitMs: number;
  userAgent: string;
}

// A pass-through group. Writes and notifications: the shared Redis limiter already spaces writes
// across processes, so the plugin's own per-process 1 s (writes) and 3 s (notifications) spacing
// would only double it. Global: its place would be held through the whole request, the limiter's
// wait and plugin-retry's backoff included; `limitedFetch` takes one around the send instead.
const passThrough = {
  key: () => ({
    schedule: (_o: unknown, fn: (...args: unknown[]) => unknown, ...args: unknown[]) => fn(...args),
  }),
} as never;

class TimeoutError extends TypeError {}

function limitedFetch(o: BuildOctokitOptions): typeof fetch {
  return async (input, init) => {
    const method = (init?.method ?? 'GET').toUpperCase();
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    let slot: WriteSlot | undefined;
    const kind = o.writeLimiter ? classifyRequest(method, pathBelow(url, o.baseUrl)) : 'read';
    // The limiter's wait comes first and holds no place among the requests in flight.
    if (o.writeLimiter && kind !== 'read') {
      slot = await o.writeLimiter.acquireWrite(o.limiterKey, { notifying: kind === 'notifying' });
      if (slot.waitedMs > 0)
        o.logger.debug({ limiterKey: o.limiterKey, waitedMs: slot.waitedMs }, 'write limiter wait');
    }
    const place = await takeRequestSlot(o.limiterKey);
    try {
      // It waited for a place after its slot: the windows count it from now, when it is sent.
      if (slot && place.queued) await slot.sent();
      const timeout = AbortSignal.timeout(o.requestTimeoutMs);
      const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
      try {
        return await o.fetch(input, { ...init, signal });
      } catch (err) {
        // Octokit does not retry an AbortError; a TypeError becomes a retryable RequestError(500).
        if (timeout.aborted)
          throw new TimeoutError(`request timed out after ${o.requestTimeoutMs} ms`);
        throw err;
      }
    } finally {
      place.release();
      // The write counts in the limiter's windows until now: GitHub received it before this.
      await slot?.answered().catch(() => undefined);
    }
  };
}

export function buildOctokit(o: BuildOctokitOptions): SteeringOctokit {
  const auth =
    o.auth.kind === 'app'
      ? {
          authStrategy: createAppAuth,
          auth: {
            appId: o.auth.appId,
            privateKey: o.auth.privateKey,
            // auth-app refuses an explicit undefined: the App-level client omits the key.
            ...(o.auth.installationId === undefined
              ? {}
              : { installationId: o.auth.installationId }),
          },
        }
      : o.auth.kind === 'token'
        ? { auth: o.auth.token }
        : {};
  // The plugin takes a `global` group as it takes the others (`state.global ?? its own`), though its
  // option type leaves it out.
  const throttle = {
    id: o.limiterKey,
    global: passThrough,
    write: passThrough,
    notifications: passThrough,
    onRateLimit: () => false,
    onSecondaryRateLimit: () => false,
  };
  const octokit = new SteeringOctokit({
    ...auth,
    baseUrl: o.baseUrl,
    userAgent: o.userAgent,
    log: {
      debug: () => {},
      info: () => {},
      warn: (msg: string) => o.logger.warn({ source: 'octokit' }, msg),
      // Octokit logs every failed request; a 4xx is an answer the port translates and its caller
      // handles (a ref that exists, a PR already open), so only 5xx and network errors are warnings.
      error: (msg: string) =>
        / - 4\d\d /.test(msg)
          ? o.logger.debug({ source: 'octokit' }, msg)
          : o.logger.warn({ source: 'octokit' }, msg),
    },
    request: { fetch: limitedFetch(o) },
    retry: {
      retries: o.retries,
      retryAfterBaseValue: o.retryBaseDelayMs,
      // 429 and 403 rate limits are handled by the policy hook below, not by plugin-retry.
      doNotRetry: [400, 401, 403, 404, 409, 410, 422, 429, 451],
    },
    throttle,
  });
  octokit.hook.wrap('request', async (request, options) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await request(options);
      } catch (err) {
        if (!isHttpError(err) || !isRateLimited(err) || attempt >= o.maxRateLimitRetries) throw err;
        const delay = rateLimitDelayMs(err, attempt, o.clock, o.rateLimitBaseDelayMs);
        if (delay > o.maxRateLimitWaitMs) throw err;
        o.logger.warn(
          {
            limiterKey: o.limiterKey,
            method: options.method,
            url: options.url,
            status: err.status,
            delayMs: delay,
            attempt,
          },
          'GitHub rate limit, waiting',
        );
        await o.clock.sleep(delay);
      }
    }
  });
  return octokit;
}
