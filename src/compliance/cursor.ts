/**
 * Keyset pagination cursors: the sort key of the last row of a page, as base64url JSON. Opaque to
 * clients; a cursor that does not decode is a 400 naming the `cursor` parameter.
 */
import { SteeringError } from '../errors.js';

export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string, length: number): (string | number)[] {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(key) &&
      key.length === length &&
      key.every((k) => typeof k === 'string' || typeof k === 'number')
    )
      return key;
  } catch {
    // fall through to the error below
  }
  throw new SteeringError(
    'INVALID_INPUT',
    'cursor: not a cursor this list returned (pass `nextCursor` from the previous page as is)',
    { details: { parameter: 'cursor' } },
  );
}
