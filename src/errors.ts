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
}

export class SteeringError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  readonly transient: boolean;

  constructor(code: ErrorCode, message: string, options: SteeringErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SteeringError';
    this.code = code;
    this.details = options.details;
    this.transient = options.transient ?? false;
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

const STATUS: Record<ErrorCode, number> = {
  USAGE: 400,
  INVALID_INPUT: 400,
  INVALID_DOCUMENT: 422,
  INVALID_REPORT: 422,
  NOT_FOUND: 404,
  CONFIG_INVALID: 500,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  CONFLICT: 409,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  GITHUB_ERROR: 502,
  GITHUB_NOT_FOUND: 502,
  GITHUB_FORBIDDEN: 502,
  GITHUB_UNAVAILABLE: 503,
  DATABASE_ERROR: 503,
  QUEUE_UNAVAILABLE: 503,
  PROMETHEUS_UNAVAILABLE: 503,
  INTERNAL: 500,
};

/** The one mapping from an error to an HTTP status, a log level and whether a job should retry. */
export function describeError(err: unknown): ErrorDescription {
  if (!isSteeringError(err)) return { status: 500, code: 'INTERNAL', level: 'error', retry: true };
  const status = STATUS[err.code];
  return {
    status,
    code: err.code,
    level: status >= 500 ? 'error' : status === 401 || status === 403 ? 'info' : 'warn',
    retry: err.transient,
  };
}
