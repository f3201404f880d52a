/**
 * Strict UTF-8 for request bodies: a body that is not UTF-8 is refused with the byte offset of the
 * first invalid sequence, never silently repaired with replacement characters and stored.
 */
import { SteeringError, type ErrorCode } from '../errors.js';

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The offset where the first invalid sequence starts: the longest prefix that decodes as a stream
 * (binary search), stepped back to its lead byte when that prefix ends inside a sequence.
 */
function firstInvalidByte(raw: Uint8Array): number {
  let lo = 0;
  let hi = raw.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(raw.subarray(0, mid), { stream: true });
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(raw.subarray(0, lo));
    return lo;
  } catch {
    let start = lo - 1;
    while (start > 0 && ((raw[start] ?? 0) & 0xc0) === 0x80) start--;
    return start;
  }
}

export function decodeUtf8(raw: Uint8Array, what: string, code: ErrorCode): string {
  try {
    return strict.decode(raw);
  } catch {
    const offset = firstInvalidByte(raw);
    throw new SteeringError(
      code,
      `${what} is not valid UTF-8 (byte offset ${offset}): save it as UTF-8 and send it again`,
      { details: { byteOffset: offset } },
    );
  }
}
