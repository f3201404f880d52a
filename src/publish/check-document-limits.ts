/**
 * Limits a document must meet before it is compiled, checked in one linear pass over the bytes so
 * a hostile document costs no parse: its size, and how deep its lists and block quotes nest (the
 * markdown parser and the compiler recurse once a level; 10,000 levels overflow the stack).
 * Nesting is counted per line as a reader sees it: `>` markers, list markers at the start of the
 * line (`- - - x` is three levels) and indentation in steps of two spaces (a tab is four).
 */
import { SteeringError } from '../errors.js';

export interface DocumentLimits {
  /** Bytes. */
  maxBytes: number;
  /** Levels of lists and quotes. */
  maxNesting: number;
  /** Rules per compiled document (checked after the compile). */
  maxRules: number;
  /** How long one compile may run, ms. */
  timeoutMs: number;
}

const LIST_MARKER = /^(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)/;

/** The deepest nesting of one line, and nothing else: no allocation per line. */
function lineDepth(text: string, start: number, end: number): number {
  let depth = 0;
  let i = start;
  let indent = 0;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 32) indent += 1;
    else if (c === 9) indent += 4;
    else if (c === 62 /* > */) {
      depth += 1 + (indent >> 1);
      indent = 0;
    } else {
      const rest = text.slice(i, Math.min(end, i + 12));
      const m = LIST_MARKER.exec(rest);
      if (!m) break;
      depth += 1 + (indent >> 1);
      indent = 0;
      i += m[0].length;
      continue;
    }
    i++;
  }
  return depth + (indent >> 1);
}

export function checkDocumentLimits(
  source: string | Uint8Array,
  path: string,
  limits: Pick<DocumentLimits, 'maxBytes' | 'maxNesting'>,
): void {
  const bytes = typeof source === 'string' ? Buffer.byteLength(source, 'utf8') : source.byteLength;
  if (bytes > limits.maxBytes) {
    throw new SteeringError(
      'PAYLOAD_TOO_LARGE',
      `${path} is ${bytes} bytes; the limit is ${limits.maxBytes} (STEERING_MAX_DOCUMENT_BYTES): split the guideline into several documents`,
      { details: { path, limit: 'STEERING_MAX_DOCUMENT_BYTES', bytes, max: limits.maxBytes } },
    );
  }
  const text = typeof source === 'string' ? source : new TextDecoder().decode(source);
  let line = 1;
  let start = 0;
  let fence: string | null = null; // lines of a fenced code block are code, not structure
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const head = /^ {0,3}(`{3,}|~{3,})/.exec(text.slice(start, Math.min(end, start + 40)));
    if (head) {
      const marker = head[1]!;
      if (fence === null) fence = marker[0]!.repeat(marker.length);
      else if (marker[0] === fence[0] && marker.length >= fence.length) fence = null;
    }
    const depth = fence !== null || head ? 0 : lineDepth(text, start, end);
    if (depth > limits.maxNesting) {
      throw new SteeringError(
        'INVALID_DOCUMENT',
        `${path}:${line}:1: error nesting: lists and quotes nest ${depth} levels deep here; the limit is ${limits.maxNesting} (STEERING_MAX_NESTING)`,
        {
          details: {
            path,
            limit: 'STEERING_MAX_NESTING',
            line,
            column: 1,
            depth,
            max: limits.maxNesting,
          },
        },
      );
    }
    start = end + 1;
    line++;
  }
}
