/**
 * An embedded PostgreSQL (PGlite, WebAssembly) behind the Db interface, so steering runs with no
 * database server. PGlite serialises every query and holds a lock for the whole of a transaction:
 * inside `transaction(fn)` only `tx` may be used (see db.ts).
 */
import { mkdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { PGlite } from '@electric-sql/pglite';
import type { Db, QueryResult, Transaction } from './db.js';
import { translateDatabaseError } from './translate-database-error.js';

export interface PgliteOptions {
  /** Directory for the database files, created if missing; `memory://` keeps it in memory. */
  dataDir: string;
}

interface PgliteQueryable {
  query<R>(sql: string, params?: unknown[]): Promise<{ rows: R[]; affectedRows?: number }>;
  exec(sql: string): Promise<unknown>;
}

async function run<R>(
  q: PgliteQueryable,
  sql: string,
  params?: readonly unknown[],
): Promise<QueryResult<R>> {
  try {
    const r = await q.query<R>(sql, params as unknown[] | undefined);
    return { rows: r.rows, rowCount: r.affectedRows || r.rows.length };
  } catch (err) {
    throw translateDatabaseError(err);
  }
}

export async function openPgliteDatabase(options: PgliteOptions): Promise<Db> {
  if (!options.dataDir.startsWith('memory://')) mkdirSync(options.dataDir, { recursive: true });
  let pglite: PGlite;
  try {
    pglite = await PGlite.create({ dataDir: options.dataDir });
  } catch (err) {
    throw translateDatabaseError(err);
  }
  let inTransaction = 0;
  return {
    kind: 'pglite',
    description: `embedded PostgreSQL (PGlite) in ${options.dataDir}`,
    query: (sql, params) => run(pglite, sql, params),
    async transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
      try {
        return await pglite.transaction(async (raw) => {
          inTransaction++;
          try {
            const tx: Transaction = {
              query: (sql, params) => run(raw, sql, params),
              async exec(sql) {
                try {
                  await raw.exec(sql);
                } catch (err) {
                  throw translateDatabaseError(err);
                }
              },
            };
            return await fn(tx);
          } finally {
            inTransaction--;
          }
        });
      } catch (err) {
        throw translateDatabaseError(err);
      }
    },
    async ping() {
      const start = performance.now();
      await run(pglite, 'SELECT 1');
      return performance.now() - start;
    },
    stats: () => ({ total: 1, idle: inTransaction ? 0 : 1, waiting: 0, max: 1 }),
    close: () => pglite.close(),
  };
}
