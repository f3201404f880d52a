/**
 * pg's and PGlite's errors become SteeringErrors here, where they enter steering, keyed by
 * SQLSTATE. The message keeps PostgreSQL's words but never the statement's parameters.
 */
import { SteeringError, isSteeringError } from '../errors.js';

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE']);

/**
 * True for errors that come from the database driver: a SQLSTATE code (five characters), a
 * socket error, or pg's own connection messages. Anything else thrown inside a transaction body
 * (a TypeError, a SteeringError of ours) is not the database's fault and is rethrown unchanged.
 */
export function isDriverError(err: unknown): boolean {
  if (isSteeringError(err) || typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown; message?: unknown };
  if (typeof e.code === 'string' && (/^[0-9A-Z]{5}$/.test(e.code) || CONNECTION_CODES.has(e.code)))
    return true;
  return (
    typeof e.message === 'string' &&
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
      e.message,
    )
  );
}

/** Rethrows a transaction body's error: driver errors translated, everything else unchanged. */
export function rethrowTransactionError(err: unknown): never {
  throw isDriverError(err) ? translateDatabaseError(err) : err;
}

export function translateDatabaseError(err: unknown): SteeringError {
  if (isSteeringError(err)) return err;
  const e = err as { code?: unknown; message?: unknown; constraint?: unknown; detail?: unknown };
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const details = {
    sqlstate: code || undefined,
    constraint: typeof e?.constraint === 'string' ? e.constraint : undefined,
  };

  if (code === '23505')
    return new SteeringError('CONFLICT', `already exists: ${message}`, { details, cause: err });
  if (code === '23503')
    return new SteeringError(
      'CONFLICT',
      `refers to a missing or still-referenced row: ${message}`,
      { details, cause: err },
    );
  if (code === '23502' || code === '23514' || code.startsWith('22')) {
    return new SteeringError('INVALID_INPUT', `rejected by the database: ${message}`, {
      details,
      cause: err,
    });
  }
  // Serialization failures, deadlocks, statement timeouts, lost connections, server shutting down.
  if (
    code === '40001' ||
    code === '40P01' ||
    code === '57014' ||
    code.startsWith('08') ||
    code.startsWith('57P') ||
    code === '53300' ||
    CONNECTION_CODES.has(code)
  ) {
    return new SteeringError('DATABASE_ERROR', `database unavailable: ${message}`, {
      details,
      cause: err,
      transient: true,
    });
  }
  if (/Connection terminated|timeout exceeded when trying to connect/i.test(message)) {
    return new SteeringError('DATABASE_ERROR', `database unavailable: ${message}`, {
      details,
      cause: err,
      transient: true,
    });
  }
  return new SteeringError('DATABASE_ERROR', `database error: ${message}`, { details, cause: err });
}
