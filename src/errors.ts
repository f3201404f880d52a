/**
 * Named errors with a stable `code`. Errors from libraries (Octokit, pg, the compiler's
 * diagnostics) are translated into these where they enter steering; one place
 * (`describeError`) maps them to an HTTP status, a job outcome and a log level.
 */

export type ErrorCode =
  | 'USAGE'
  | 'NOT_FOUND'
  | 'INVALID_INPUT'
  | 'INVALID_DOCUMENT'
  | 'INVALID_REPORT'
  | 'CONFIG_INVALID'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'CONFLICT'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'PAYLOAD_TOO_LARGE'
  | 'RATE_LIMITED'
  | 'GITHUB_ERROR'
  | 'GITHUB_NOT_FOUND'
  | 'GITHUB_FORBIDDEN'
  | 'GITHUB_UNAVAILABLE'
  | 'GITHUB_NOT_CONFIGURED'
  | 'DATABASE_ERROR'
  | 'QUEUE_UNAVAILABLE'
  | 'PROMETHEUS_UNAVAILABLE'
  | 'INTERNAL';

export interface SteeringErrorOptions {
  /** Extra machine-readable detail (field names, positions); included in problem+json. */
  details?: unknown;
  cause?: unknown;
  /** Whether retrying the same operation may succeed (network blips, 5xx, rate limits). */
  transient?: boolean;
  /** The HTTP status an upstream service (GitHub) answered, when it answered. */
  upstreamStatus?: number;
  /** How long to wait before retrying, when the upstream said so (rate limits). */
  retryAfterMs?: number;
}

export class SteeringError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  readonly transient: boolean;
  readonly upstreamStatus: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(code: ErrorCode, message: string, options: SteeringErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SteeringError';
    this.code = code;
    this.details = options.details;
    this.transient = options.transient ?? false;
    this.upstreamStatus = options.upstreamStatus;
    this.retryAfterMs = options.retryAfterMs;
  }
}

export function isSteeringError(err: unknown): err is SteeringError {
  return err instanceof SteeringError;
}

export interface ErrorDescription {
  status: number;
  code: ErrorCode;
  level: 'info' | 'warn' | 'error';
  retry: boolean;
}

/** Each code's HTTP status and problem title, in one place. */
const CODES: Record<ErrorCode, { status: number; title: string }> = {
  USAGE: { status: 400, title: 'Usage error' },
  INVALID_INPUT: { status: 400, title: 'Invalid input' },
  INVALID_DOCUMENT: { status: 422, title: 'Invalid guideline document' },
  INVALID_REPORT: { status: 422, title: 'Invalid measurement report' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  CONFIG_INVALID: { status: 500, title: 'Invalid configuration' },
  UNAUTHENTICATED: { status: 401, title: 'Authentication required' },
  FORBIDDEN: { status: 403, title: 'Forbidden' },
  CONFLICT: { status: 409, title: 'Conflict' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'Payload too large' },
  RATE_LIMITED: { status: 429, title: 'Rate limited' },
  GITHUB_ERROR: { status: 502, title: 'GitHub refused the request' },
  GITHUB_NOT_FOUND: { status: 502, title: 'Not found on GitHub' },
  GITHUB_FORBIDDEN: { status: 502, title: 'GitHub permission denied' },
  GITHUB_UNAVAILABLE: { status: 503, title: 'GitHub unavailable' },
  GITHUB_NOT_CONFIGURED: { status: 409, title: 'GitHub not configured' },
  DATABASE_ERROR: { status: 503, title: 'Database unavailable' },
  QUEUE_UNAVAILABLE: { status: 503, title: 'Queue unavailable' },
  PROMETHEUS_UNAVAILABLE: { status: 503, title: 'Prometheus unavailable' },
  INTERNAL: { status: 500, title: 'Internal error' },
};

/** The problem title of a code (application/problem+json `title`). */
export function errorTitle(code: ErrorCode): string {
  return CODES[code].title;
}

/** The one mapping from an error to an HTTP status, a log level and whether a job should retry. */
export function describeError(err: unknown): ErrorDescription {
  if (!isSteeringError(err)) return { status: 500, code: 'INTERNAL', level: 'error', retry: true };
  const status = CODES[err.code].status;
  return {
    status,
    code: err.code,
    level: status >= 500 ? 'error' : status === 401 || status === 403 ? 'info' : 'warn',
    retry: err.transient,
  };
}
