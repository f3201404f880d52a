/**
 * The simulator's tiny HTTP kit: route table with `{param}` paths, GitHub-shaped errors
 * (`{message, documentation_url}`, 422 with `errors[]`), and the request context handlers get.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { components } from '@octokit/openapi-types';
import type { Clock } from '../clock.js';
import type { EventContext } from './emit-events.js';
import type { SimBehaviour, SimState, TokenIdentity } from './state.js';

export type BasicError = components['schemas']['basic-error'];
export type ValidationError = components['schemas']['validation-error'];

const DOCS = 'https://docs.github.com/rest';

export class SimHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: {
      errors?: ValidationError['errors'];
      headers?: Record<string, string>;
      /** 301/307: where the resource moved. */
      url?: string;
      /** GitHub's 201-era 403/404 bodies also carry a status string. */
      status?: string;
    } = {},
  ) {
    super(message);
  }

  toBody(): BasicError | ValidationError {
    const body: ValidationError & { url?: string; status?: string } = {
      message: this.message,
      documentation_url: DOCS,
    };
    if (this.extra.errors) body.errors = this.extra.errors;
    if (this.extra.url) body.url = this.extra.url;
    body.status = String(this.status);
    return body;
  }
}

export const notFound = (): SimHttpError => new SimHttpError(404, 'Not Found');
export const unprocessable = (message: string, errors?: ValidationError['errors']): SimHttpError =>
  new SimHttpError(422, message, errors ? { errors } : {});

export interface Ctx {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON request bodies are untyped input
  body: any;
  identity: TokenIdentity | { app: true; login: string };
  state: SimState;
  clock: Clock;
  baseUrl: string;
  events: EventContext;
  behaviour: SimBehaviour;
}

export interface SimResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (ctx: Ctx) => SimResponse | Promise<SimResponse>;

export interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: Handler;
  /** Routes under /app that need the App's JWT rather than a token. */
  appAuth: boolean;
  /** Answers without authentication (GitHub's manifest conversion). */
  anonymous?: boolean;
}

export function route(method: string, path: string, handler: Handler): Route {
  const names: string[] = [];
  // `{path+}` matches the rest of the path including slashes (contents, refs).
  const source = path.replace(/\{(\w+)(\+?)\}/g, (_m, name: string, rest: string) => {
    names.push(name);
    return rest ? '(.+)' : '([^/]+)';
  });
  return {
    method,
    pattern: new RegExp(`^${source}$`),
    names,
    handler,
    appAuth: path.startsWith('/app/') || path === '/app',
  };
}

export function matchRoute(
  routes: Route[],
  method: string,
  path: string,
): { route: Route; params: Record<string, string> } | undefined {
  for (const r of routes) {
    if (r.method !== method) continue;
    const m = r.pattern.exec(path);
    if (!m) continue;
    const params: Record<string, string> = {};
    r.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1] ?? '')));
    return { route: r, params };
  }
  return undefined;
}

export const ok = (body: unknown, status = 200): SimResponse => ({ status, body });

export function requireString(body: Record<string, unknown>, field: string): string {
  const v = body?.[field];
  if (typeof v !== 'string' || v === '') {
    throw unprocessable('Invalid request.', [
      { resource: 'Request', field, code: 'missing_field' },
    ]);
  }
  return v;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * GitHub's pagination: `per_page` (default 30, capped at 100) and `page`, with a `Link` header
 * (`next`, `last`, `first`, `prev`) whenever there is more than one page.
 */
export function paginate<T>(ctx: Ctx, items: T[]): { page: T[]; headers: Record<string, string> } {
  const perPage = Math.min(100, Math.max(1, Number(ctx.query.get('per_page') ?? 30) || 30));
  const page = Math.max(1, Number(ctx.query.get('page') ?? 1) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const headers: Record<string, string> = {};
  if (last > 1) {
    const link = (p: number, rel: string) => {
      const q = new URLSearchParams(ctx.query);
      q.set('per_page', String(perPage));
      q.set('page', String(p));
      return `<${ctx.baseUrl}${ctx.path}?${q.toString()}>; rel="${rel}"`;
    };
    const parts: string[] = [];
    if (page > 1) parts.push(link(page - 1, 'prev'));
    if (page < last) parts.push(link(page + 1, 'next'), link(last, 'last'));
    if (page > 1) parts.push(link(1, 'first'));
    headers.link = parts.join(', ');
  }
  return { page: items.slice((page - 1) * perPage, page * perPage), headers };
}
