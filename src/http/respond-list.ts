/**
 * How every list route answers: JSON by default, CSV when the client prefers `text/csv`
 * (`Accept`), a weak ETag over the body with `If-None-Match` → 304, and a `Link: rel="next"`
 * header carrying the next keyset cursor.
 */
import { createHash } from 'node:crypto';
import type { Request } from 'express';
import type { RouteResult } from './define-route.js';

export interface CsvTable {
  columns: string[];
  rows: readonly (readonly unknown[])[];
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
  // Quote when needed; a leading = + - @ would be a formula in a spreadsheet.
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) || safe !== s ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(table: CsvTable): string {
  return [table.columns, ...table.rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/**
 * Whether the client prefers CSV. Without an Accept header, or one that names no `text/` type and
 * weighs nothing (no `;q=`), CSV cannot win (JSON is listed first), so the header is not parsed.
 */
export function wantsCsv(req: Request): boolean {
  const accept = req.headers.accept;
  if (!accept || (!/text\//i.test(accept) && !accept.includes(';'))) return false;
  return req.accepts(['application/json', 'text/csv']) === 'text/csv';
}

/** An entity tag without its weakness mark (If-None-Match compares weakly, RFC 9110 13.1.2). */
const opaque = (tag: string) => (tag.startsWith('W/') ? tag.slice(2) : tag);

/**
 * The list's answer. The body is encoded once: the ETag hashes those bytes and the route sends
 * them as they are.
 */
export function respondList(req: Request, body: object, csv: () => CsvTable): RouteResult {
  const asCsv = wantsCsv(req);
  const text = asCsv ? toCsv(csv()) : JSON.stringify(body);
  const bytes = Buffer.from(text);
  const etag = `W/"${createHash('sha1')
    .update(asCsv ? 'csv:' : 'json:')
    .update(bytes)
    .digest('base64url')}"`;
  const headers: Record<string, string> = { ETag: etag, Vary: 'Accept, Authorization' };
  const next = (body as { nextCursor?: string | null }).nextCursor;
  if (next) {
    const url = new URL(req.originalUrl, 'http://x');
    url.searchParams.set('cursor', next);
    headers.Link = `<${url.pathname}${url.search}>; rel="next"`;
  }
  const inm = req.headers['if-none-match'];
  if (inm && inm.split(',').some((t) => t.trim() === '*' || opaque(t.trim()) === opaque(etag)))
    return { status: 304, headers };
  return asCsv
    ? { status: 200, headers, raw: { contentType: 'text/csv; charset=utf-8', body: text } }
    : { status: 200, headers, json: bytes };
}
