/**
 * How long to wait after a rate-limited answer, in GitHub's documented order: `retry-after`
 * (seconds), then `x-ratelimit-reset` (epoch seconds) when `x-ratelimit-remaining` is 0, else
 * exponential backoff from a base delay (60 s in production).
 */
import type { Clock } from './clock.js';

export interface HttpErrorLike {
  status: number;
  message: string;
  response?: { headers?: Record<string, string | number | undefined> };
}

export function isHttpError(err: unknown): err is HttpErrorLike {
  return (
    typeof err === 'object' &&
    err !== null &&
    typeof (err as { status?: unknown }).status === 'number'
  );
}

/** 429, or a 403 that GitHub marks as a primary or secondary rate limit (not a permission error). */
export function isRateLimited(err: unknown): boolean {
  if (!isHttpError(err)) return false;
  if (err.status === 429) return true;
  if (err.status !== 403) return false;
  const h = err.response?.headers ?? {};
  return (
    h['retry-after'] !== undefined ||
    String(h['x-ratelimit-remaining']) === '0' ||
    /rate limit/i.test(err.message)
  );
}

/** Milliseconds (on `clock`) to wait before retry number `attempt` (0-based). */
export function rateLimitDelayMs(
  err: HttpErrorLike,
  attempt: number,
  clock: Clock,
  baseDelayMs: number,
): number {
  const h = err.response?.headers ?? {};
  const retryAfter = Number(h['retry-after']);
  if (h['retry-after'] !== undefined && Number.isFinite(retryAfter))
    return Math.max(0, retryAfter) * 1000;
  const reset = Number(h['x-ratelimit-reset']);
  if (String(h['x-ratelimit-remaining']) === '0' && Number.isFinite(reset) && reset > 0) {
    // One second past the reset, as GitHub's docs advise.
    return Math.max(0, reset * 1000 - clock.now()) + 1000;
  }
  return baseDelayMs * 2 ** attempt;
}
