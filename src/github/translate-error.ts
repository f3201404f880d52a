/**
 * Octokit's RequestError (and network failures) → SteeringError with a stable code. This is the
 * only place that knows GitHub's status codes; callers decide on `code` and `transient`.
 */
import { SteeringError } from '../errors.js';
import { realClock, type Clock } from './clock.js';
import { isHttpError, isRateLimited, rateLimitDelayMs } from './rate-limit-delay.js';

interface RequestErrorLike {
  status: number;
  message: string;
  request?: { method?: string; url?: string };
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown };
}

function githubMessage(err: RequestErrorLike): { message: string; errors?: unknown } {
  const data = err.response?.data as { message?: unknown; errors?: unknown } | undefined;
  const message = typeof data?.message === 'string' ? data.message : err.message;
  return data?.errors === undefined ? { message } : { message, errors: data.errors };
}

function describeErrors(errors: unknown): string {
  if (!Array.isArray(errors)) return '';
  const parts = errors.map((e) =>
    typeof e === 'string'
      ? e
      : typeof e?.message === 'string'
        ? e.message
        : [e?.field, e?.code].filter(Boolean).join(' '),
  );
  return parts.length ? ` (${parts.join('; ')})` : '';
}

export function translateGitHubError(
  err: unknown,
  operation: string,
  options: { clock?: Clock; rateLimitBaseDelayMs?: number } = {},
): SteeringError {
  if (err instanceof SteeringError) return err;
  if (!isHttpError(err)) {
    const reason = err instanceof Error ? err.message : String(err);
    return new SteeringError(
      'GITHUB_UNAVAILABLE',
      `GitHub unreachable during ${operation}: ${reason}`,
      {
        transient: true,
        cause: err,
      },
    );
  }
  const e = err as RequestErrorLike;
  const { message, errors } = githubMessage(e);
  const details = { status: e.status, operation, ...(errors === undefined ? {} : { errors }) };
  if (isRateLimited(e)) {
    const ms = rateLimitDelayMs(
      e,
      0,
      options.clock ?? realClock,
      options.rateLimitBaseDelayMs ?? 60_000,
    );
    return new SteeringError('RATE_LIMITED', `GitHub rate limit during ${operation}: ${message}`, {
      transient: true,
      cause: err,
      details: { ...details, retryAfterSeconds: Math.ceil(ms / 1000) },
      upstreamStatus: e.status,
      retryAfterMs: ms,
    });
  }
  if (e.status === 404 || e.status === 410) {
    return new SteeringError('GITHUB_NOT_FOUND', `GitHub: not found during ${operation}`, {
      details,
      cause: err,
      upstreamStatus: e.status,
    });
  }
  if (e.status === 401 || e.status === 403) {
    const why = e.status === 401 ? 'credentials rejected' : 'permission denied';
    return new SteeringError('GITHUB_FORBIDDEN', `GitHub: ${why} during ${operation}: ${message}`, {
      details,
      cause: err,
      upstreamStatus: e.status,
    });
  }
  if (e.status >= 500) {
    return new SteeringError(
      'GITHUB_UNAVAILABLE',
      `GitHub unavailable during ${operation}: ${message}`,
      {
        transient: true,
        details,
        cause: err,
        upstreamStatus: e.status,
      },
    );
  }
  return new SteeringError(
    'GITHUB_ERROR',
    `GitHub refused ${operation}: ${message}${describeErrors(errors)}`,
    {
      details,
      cause: err,
      upstreamStatus: e.status,
    },
  );
}
