/**
 * What the fleet, scan, history and compliance routes share: paging parameters, the read-only
 * list route (GET; JSON, or CSV by `Accept`; ETag and 304) with its CSV table named column by
 * column, and the repository look-up that answers 404 in our words.
 */
import { z } from 'zod';
import { SteeringError } from '../errors.js';
import type { Db, Scope } from '../store/index.js';
import { findRepositoryByName } from '../store/index.js';
import { defineRoute, type RouteSpec } from './define-route.js';
import { respondList, type CsvTable } from './respond-list.js';

export interface FleetRouteDeps {
  db: Db;
  /** Enqueues a forced scan of the repository's default-branch head; null when nothing to scan. */
  rescan?: (repositoryId: number, sha: string) => Promise<string | null>;
}

export const limit = z.coerce
  .number()
  .int()
  .min(1)
  .max(500)
  .default(100)
  .describe('Page size (default 100, at most 500)');
export const cursor = z
  .string()
  .max(500)
  .optional()
  .describe('`nextCursor` of the previous page (keyset pagination)');
export const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .describe('YYYY-MM-DD');
export const PageQuery = z.object({ limit, cursor });

export const notModified = { description: 'Not modified (If-None-Match matched the ETag)' };

/** A repository by owner and name, or NOT_FOUND naming it. */
export function repositoryFinder(db: Db) {
  return async (owner: string, repo: string) => {
    const r = await findRepositoryByName(db, owner, repo);
    if (!r) throw new SteeringError('NOT_FOUND', `repository ${owner}/${repo} not found`);
    return r;
  };
}

/** Evidence as one CSV cell: `path:line` separated by spaces. */
export const evidenceText = (evidence: readonly { path: string; line: number }[]): string =>
  evidence.map((e) => `${e.path}:${e.line}`).join(' ');

/** A CSV column: an item's property of that name, or a name and how to read it from an item. */
export type CsvColumn<T> = (keyof T & string) | readonly [string, (item: T) => unknown];

/** One CSV row per item, the columns in the order given. */
export function csvTable<T>(items: readonly T[], columns: readonly CsvColumn<T>[]): CsvTable {
  return {
    columns: columns.map((c) => (typeof c === 'string' ? c : c[0])),
    rows: items.map((item) => columns.map((c) => (typeof c === 'string' ? item[c] : c[1](item)))),
  };
}

type AnyObject = z.ZodObject<z.ZodRawShape>;

/**
 * A read-only list route: GET with scope `read` unless given, answering 200 (`ok`, also as
 * text/csv) or 304; `load` builds the JSON body and `csv` the table of the same answer.
 */
export function defineListRoute<
  B extends object,
  P extends AnyObject = AnyObject,
  Q extends AnyObject = AnyObject,
>(spec: {
  path: string;
  operationId: string;
  summary: string;
  scope?: Scope;
  params?: P;
  query?: Q;
  ok: { description: string; schema: z.ZodType };
  load(input: { params: z.output<P>; query: z.output<Q> }): Promise<B>;
  csv(body: B): CsvTable;
}): RouteSpec {
  return defineRoute({
    method: 'get',
    path: spec.path,
    operationId: spec.operationId,
    summary: spec.summary,
    scope: spec.scope ?? 'read',
    params: spec.params,
    query: spec.query,
    responses: { 200: { ...spec.ok, csv: true }, 304: notModified },
    async handle({ params, query, req }) {
      const body = await spec.load({ params, query });
      return respondList(req, body, () => spec.csv(body));
    },
  });
}
