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
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Query read timeout/i.test(
      e.message,
    )
  );
}

/** Rethrows a transaction body's error: driver errors translated, everything else unchanged. */
export function rethrowTransactionError(err: unknown): never {
  throw isDriverError(err) ? translateDatabaseError(err) : err;
}

/** Our words for the data errors a request can cause (SQLSTATE class 22 and 23). */
const DATA_ERRORS: Record<string, string> = {
  '22001': 'a value is longer than the field allows',
  '22003': 'a number is out of range',
  '22007': 'a date or time is malformed',
  '22008': 'a date or time is out of range',
  '22012': 'a division by zero',
  '22021': 'a text contains bytes that are not valid UTF-8',
  '22P02': 'a value has the wrong format',
  '22P05': 'a text contains a character the database cannot store',
  '23502': 'a required field is missing',
  '23514': 'a value breaks a rule of the data model',
};

/**
 * Translates a driver error into ours. The message is in our words; PostgreSQL's own message,
 * the SQLSTATE and the constraint stay on `cause` (logged for 5xx, never sent to a client).
 */
export function translateDatabaseError(err: unknown): SteeringError {
  if (isSteeringError(err)) return err;
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = typeof e?.message === 'string' ? e.message : String(err);

  if (code === '23505') return new SteeringError('CONFLICT', 'it already exists', { cause: err });
  if (code === '23503')
    return new SteeringError('CONFLICT', 'it refers to a missing or still-referenced record', {
      cause: err,
    });
  if (code === '23502' || code === '23514' || code.startsWith('22')) {
    return new SteeringError(
      'INVALID_INPUT',
      `the database rejected the request: ${DATA_ERRORS[code] ?? 'a value is not valid'}`,
      { cause: err },
    );
  }
  // Serialization failures, deadlocks, statement timeouts, lost connections, server shutting down.
  if (
    code === '40001' ||
    code === '40P01' ||
    code === '57014' ||
    code.startsWith('08') ||
    code.startsWith('57P') ||
    code === '53300' ||
    CONNECTION_CODES.has(code) ||
    /Connection terminated|timeout exceeded when trying to connect|Query read timeout/i.test(
      message,
    )
  ) {
    return new SteeringError('DATABASE_ERROR', `database unavailable: ${message}`, {
      cause: err,
      transient: true,
    });
  }
  return new SteeringError('DATABASE_ERROR', `database error: ${message}`, { cause: err });
}
