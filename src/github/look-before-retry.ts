/**
 * Writes that must not happen twice. GitHub can apply a POST and still answer 502 or never answer
 * at all; retrying blindly (as plugin-retry does) then creates a second comment or check run.
 * These writes go out with plugin-retry off; after a failure that may have been applied (5xx,
 * timeout, network) steering first looks for what it meant to write and only writes again when
 * it is not there.
 */
import type { Clock } from './clock.js';
import { isHttpError, isRateLimited } from './rate-limit-delay.js';

/** Octokit request options that turn plugin-retry off for one request. */
export const NO_RETRY = { request: { retries: 0 } } as const;

export interface RetryPolicy {
  clock: Clock;
  /** Further attempts after the first. */
  retries: number;
  /** Wait before attempt n (1-based) is n² × this, on `clock`. */
  baseDelayMs: number;
}

/** A failure after which the write may or may not have been applied. */
export function mayHaveApplied(err: unknown): boolean {
  if (!isHttpError(err)) return true;
  return err.status >= 500 && !isRateLimited(err);
}

export async function lookBeforeRetry<T>(
  policy: RetryPolicy,
  write: () => Promise<T>,
  look: () => Promise<T | null>,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (!mayHaveApplied(err) || attempt >= policy.retries) throw err;
      await policy.clock.sleep((attempt + 1) ** 2 * policy.baseDelayMs);
      const found = await look();
      if (found !== null) return found;
    }
  }
}

/** GitHub's 422 when a pull request is created before GitHub has seen its new head branch. */
export function isHeadInvalid(err: unknown): boolean {
  if (!isHttpError(err) || err.status !== 422) return false;
  const data = (err as { response?: { data?: { errors?: unknown } } }).response?.data;
  return (
    Array.isArray(data?.errors) &&
    data.errors.some(
      (e: { field?: unknown; code?: unknown }) => e?.field === 'head' && e?.code === 'invalid',
    )
  );
}
