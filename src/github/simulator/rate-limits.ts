/**
 * GitHub's rate limits as the simulator enforces them, per caller (installation or token):
 * - primary: `limit` requests per fixed hour window, reported on every response in
 *   `x-ratelimit-*`; when spent, 403 "API rate limit exceeded" with `x-ratelimit-remaining: 0`;
 * - secondary (on by default): concurrent requests (100) and content-creating requests per sliding
 *   minute and hour (80 and 500), GitHub's documented figures ("Rate limits for the REST API");
 *   and a stricter budget for content-creating requests that trigger notifications (opening pull
 *   requests and issues, comments, reviews: `classify-request.ts`), 20 a minute. GitHub says only
 *   that "some endpoints have lower content creation limits" and that creating content too
 *   quickly with these may draw a secondary limit; it publishes no figure. 20 a minute is the pace
 *   Octokit's throttling plugin keeps for them (one every 3 s): an assumption, adjustable with
 *   `notificationsPerMinute`.
 * When a secondary limit is exceeded GitHub answers in several ways and so does the simulator, in
 * turn: 403 "You have exceeded a secondary rate limit" with `retry-after`, the same 403 without
 * `retry-after` (wait at least a minute), and 429 with `retry-after`.
 * Times come from the simulator's clock, so a scaled clock shortens every window alike.
 */
import type { Clock } from '../clock.js';
import { SimHttpError } from './http-kit.js';

export interface RateLimitOptions {
  /** Primary requests per hour per caller. Default 5000. */
  primaryPerHour?: number;
  /** Concurrent requests per caller. Default 100 (GitHub's documented figure). */
  maxConcurrent?: number;
  /** Content-creating requests per minute per caller. Default 80 (GitHub). */
  writesPerMinute?: number;
  /** Content-creating requests per hour per caller. Default 500 (GitHub). */
  writesPerHour?: number;
  /**
   * Notifying requests (new PRs and issues, comments; `classify-request.ts`) per minute per caller.
   * Default 20: GitHub publishes no figure (see the module comment).
   */
  notificationsPerMinute?: number;
  /** `false` turns every secondary limit off (for a test about something else). Default true. */
  secondary?: boolean;
}

interface CallerState {
  windowStart: number;
  used: number;
  inFlight: number;
  writes: number[];
  notifications: number[];
}

const SECONDARY =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.';

export class RateLimiter {
  private readonly callers = new Map<string, CallerState>();
  /** Which of GitHub's secondary-limit answers comes next. */
  private variety = 0;
  /** Secondary-limit answers given, by form (for tests and benchmarks). */
  readonly secondaryAnswers = {
    '403 retry-after': 0,
    '403 no retry-after': 0,
    '429 retry-after': 0,
  };
  constructor(
    public options: RateLimitOptions,
    private readonly clock: Clock,
  ) {}

  private caller(key: string): CallerState {
    const now = this.clock.now();
    let c = this.callers.get(key);
    if (!c) {
      c = { windowStart: now, used: 0, inFlight: 0, writes: [], notifications: [] };
      this.callers.set(key, c);
    }
    if (now - c.windowStart >= 3_600_000) {
      c.windowStart = now;
      c.used = 0;
    }
    return c;
  }

  /** Headers describing the caller's primary budget after this request. */
  headers(key: string, resource = 'core'): Record<string, string> {
    const c = this.caller(key);
    const limit = this.options.primaryPerHour ?? 5000;
    return {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(Math.max(0, limit - c.used)),
      'x-ratelimit-used': String(c.used),
      'x-ratelimit-reset': String(Math.ceil((c.windowStart + 3_600_000) / 1000)),
      'x-ratelimit-resource': resource,
    };
  }

  /** Admit a request or throw the 403 GitHub would answer. Call `release` when it finishes. */
  admit(key: string, isWrite: boolean, notifying = false): void {
    const c = this.caller(key);
    const now = this.clock.now();
    const limit = this.options.primaryPerHour ?? 5000;
    if (c.used >= limit) {
      throw new SimHttpError(403, `API rate limit exceeded for ${key}.`, {
        headers: { ...this.headers(key), 'x-ratelimit-remaining': '0' },
      });
    }
    const on = this.options.secondary !== false;
    if (on && c.inFlight >= (this.options.maxConcurrent ?? 100)) throw this.secondary(1);
    if (on && isWrite) {
      c.writes = c.writes.filter((t) => t > now - 3_600_000);
      c.notifications = c.notifications.filter((t) => t > now - 60_000);
      const wait = Math.max(
        waitFor(c.writes, now, 60_000, this.options.writesPerMinute ?? 80),
        waitFor(c.writes, now, 3_600_000, this.options.writesPerHour ?? 500),
        notifying
          ? waitFor(c.notifications, now, 60_000, this.options.notificationsPerMinute ?? 20)
          : 0,
      );
      if (wait > 0) throw this.secondary(Math.ceil(wait / 1000));
      c.writes.push(now);
      if (notifying) c.notifications.push(now);
    }
    c.used += 1;
    c.inFlight += 1;
  }

  /** GitHub's secondary-limit answers, in turn (see the module comment). */
  secondary(retryAfterSeconds: number): SimHttpError {
    const form = this.variety++ % 3;
    if (form === 0) {
      this.secondaryAnswers['403 retry-after'] += 1;
      return secondary(retryAfterSeconds);
    }
    if (form === 1) {
      this.secondaryAnswers['403 no retry-after'] += 1;
      return new SimHttpError(403, SECONDARY);
    }
    this.secondaryAnswers['429 retry-after'] += 1;
    return new SimHttpError(429, SECONDARY, {
      headers: { 'retry-after': String(Math.max(1, retryAfterSeconds)) },
    });
  }

  /** A 304 answer to a conditional request does not count against the primary limit. */
  refund(key: string): void {
    const c = this.callers.get(key);
    if (c) c.used = Math.max(0, c.used - 1);
  }

  release(key: string): void {
    const c = this.callers.get(key);
    if (c) c.inFlight = Math.max(0, c.inFlight - 1);
  }

  /** Content-creating requests accepted for a caller in the last minute (for tests). */
  writesInLastMinute(key: string): number {
    const now = this.clock.now();
    return (this.callers.get(key)?.writes ?? []).filter((t) => t > now - 60_000).length;
  }
}

function waitFor(times: number[], now: number, window: number, limit: number): number {
  const inWindow = times.filter((t) => t > now - window);
  if (inWindow.length < limit) return 0;
  const oldestThatMustExpire = inWindow[inWindow.length - limit] as number;
  return oldestThatMustExpire + window - now;
}

export function secondary(retryAfterSeconds: number): SimHttpError {
  return new SimHttpError(403, SECONDARY, {
    headers: { 'retry-after': String(Math.max(1, retryAfterSeconds)) },
  });
}
