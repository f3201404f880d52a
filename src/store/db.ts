/**
 * The one database interface the rest of steering sees. Two implementations share it and run the
 * same SQL: a pg Pool (PostgreSQL) and an embedded PGlite. PGlite runs one query at a time and
 * blocks every other query while a transaction is open, so code inside `transaction(fn)` must use
 * only the `tx` it is given and never await `db.query` (that would wait forever on PGlite).
 */

export interface QueryResult<R> {
  rows: R[];
  /** Rows returned or affected. */
  rowCount: number;
}

export interface Queryable {
  /** One parameterised statement. Objects bound to jsonb parameters must be JSON.stringify'd. */
  query<R = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<QueryResult<R>>;
}

export interface Transaction extends Queryable {
  /** A script of several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
  max: number;
}

export interface Db extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Human-readable target for logs, without credentials. */
  readonly description: string;
  /** Runs fn in BEGIN … COMMIT (ROLLBACK when it throws). */
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>;
  /** `SELECT 1`; resolves with the round-trip time in ms. */
  ping(): Promise<number>;
  stats(): PoolStats;
  close(): Promise<void>;
}
