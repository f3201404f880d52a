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

/** A subscriber to `Db.listen`. */
export interface NotificationListener {
  /** A NOTIFY on the channel arrived ('' when it carried no payload). */
  notified(payload: string): void;
  /**
   * Whether notifications are being received. False until the listening connection is up and
   * whenever it is lost: notifications sent meanwhile are missed, so whatever relies on them
   * (a cache invalidated by them) must not be trusted while false.
   */
  listening(live: boolean): void;
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
  /**
   * Subscribes to NOTIFY on `channel` (a lower-case identifier). PostgreSQL: every subscription
   * shares one connection of its own (outside the pool), opened on first use and re-established
   * after a loss. Embedded: one process owns the database, so nothing is ever notified from
   * elsewhere and the listener is live at once. Returns a function that unsubscribes.
   */
  listen(channel: string, listener: NotificationListener): () => void;
  close(): Promise<void>;
}
