/**
 * A route is declared once: method, path, scope, zod schemas for params/query, the response
 * schemas per status, and a handler. `mountRoute` wires it into Express (auth → validation →
 * handler) and `buildOpenApi` turns the same declarations into the OpenAPI document.
 */
import type { Express, Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import type { ApiTokenRecord, Scope } from '../store/index.js';
import type { Authenticator } from './authenticate.js';
import { tokenOf } from './authenticate.js';

type AnyObject = z.ZodObject<z.ZodRawShape>;

export interface RouteContext<P, Q> {
  params: P;
  query: Q;
  token: ApiTokenRecord;
  req: Request;
  res: Response;
}

export interface RouteResult {
  status: number;
  /** Serialised with res.json, unless `json` is given. */
  body?: unknown;
  /**
   * An already serialised JSON body, sent as it is (immutable records cache their encoded
   * serialisation; lists encode theirs once for the ETag and the answer).
   */
  json?: string | Buffer;
  headers?: Record<string, string>;
  /** A body in another media type (CSV lists), sent as is. */
  raw?: { contentType: string; body: string };
}

export interface RouteSpec<P extends AnyObject = AnyObject, Q extends AnyObject = AnyObject> {
  method: 'get' | 'post' | 'delete';
  /** Express path (`/v1/guidelines/:id`); OpenAPI gets `{id}`. */
  path: string;
  operationId: string;
  summary: string;
  scope: Scope;
  params?: P;
  query?: Q;
  /** Request body: accepted media types (checked → 415) and extra middleware (body parser). */
  body?: {
    contentTypes: string[];
    description: string;
    parse: RequestHandler;
    /** The body's schema for the OpenAPI document (JSON bodies); default: a string. */
    schema?: z.ZodType;
  };
  /** `csv`: the response is also available as `text/csv` (Accept header). */
  responses: Record<number, { description: string; schema?: z.ZodType; csv?: boolean }>;
  handle(ctx: RouteContext<z.output<P>, z.output<Q>>): Promise<RouteResult>;
}

export function defineRoute<P extends AnyObject, Q extends AnyObject>(
  spec: RouteSpec<P, Q>,
): RouteSpec {
  return spec;
}

/**
 * Encoded bytes go out as they are: no re-encoding, no ETag hashing, no freshness check (routes
 * set their own ETag and answer If-None-Match themselves).
 */
function sendJsonBytes(res: Response, body: Buffer): void {
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', body.length);
  res.end(body);
}

export function mountRoute(
  app: Express,
  spec: RouteSpec,
  authenticate: Authenticator,
  checkMediaType: (types: string[]) => RequestHandler,
): void {
  const chain: RequestHandler[] = [authenticate(spec.scope)];
  if (spec.body) chain.push(checkMediaType(spec.body.contentTypes), spec.body.parse);
  chain.push(async (req, res) => {
    const params = spec.params ? spec.params.parse(req.params) : {};
    const query = spec.query ? spec.query.parse(req.query) : {};
    const result = await spec.handle({ params, query, token: tokenOf(req), req, res });
    for (const [k, v] of Object.entries(result.headers ?? {})) res.setHeader(k, v);
    res.status(result.status);
    if (result.status === 304) res.end();
    else if (result.raw) res.type(result.raw.contentType).send(result.raw.body);
    else if (result.json !== undefined)
      sendJsonBytes(res, Buffer.isBuffer(result.json) ? result.json : Buffer.from(result.json));
    else res.json(result.body);
  });
  app[spec.method](spec.path, ...chain);
}
