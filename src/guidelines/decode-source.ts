/**
 * Turns the bytes of a document into text, refusing anything that is not UTF-8 and saying where
 * the first bad byte is. A UTF-8 byte-order mark is dropped; CRLF line ends are kept (remark reads them).
 */
import type { Diagnostic } from './schema.js';

export type Decoded = { ok: true; text: string } | { ok: false; diagnostic: Diagnostic };

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

export function decodeSource(source: string | Uint8Array): Decoded {
  if (typeof source === 'string') return { ok: true, text: source.replace(/^\uFEFF/, '') };
  try {
    return { ok: true, text: decoder.decode(source) };
  } catch {
    const at = firstInvalidByte(source);
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < at; i++) {
      if (source[i] === 0x0a) {
        line++;
        lineStart = i + 1;
      }
    }
    const byte = source[at] ?? 0;
    return {
      ok: false,
      diagnostic: {
        severity: 'error',
        code: 'not-utf8',
        message: `not UTF-8: byte 0x${byte.toString(16).padStart(2, '0')} cannot start or continue a character; save the file as UTF-8`,
        line,
        column: at - lineStart + 1,
      },
    };
  }
}

/** Index of the first byte that breaks UTF-8 (the decoder only says that one exists). */
function firstInvalidByte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const need =
      b < 0x80
        ? 0
        : b >= 0xc2 && b <= 0xdf
          ? 1
          : b >= 0xe0 && b <= 0xef
            ? 2
            : b >= 0xf0 && b <= 0xf4
              ? 3
              : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
    }
    i += need + 1;
  }
  return Math.max(0, bytes.length - 1);
}
