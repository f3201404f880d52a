/**
 * A pg Pool behind the Db interface. Every connection gets `statement_timeout`, `jit = off` (and,
 * for tests and multi-tenant setups, a `search_path`) through the startup options, so no query can hang forever
 * and no per-query SET is needed. Pool errors on idle clients are logged, never thrown. `listen`
 * uses one more connection with the same settings, outside the pool (listen-for-notifications.ts).
 */
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import type { Db, QueryResult, Transaction } from './db.js';
import { createNotificationHub } from './listen-for-notifications.js';
import { rethrowTransactionError, translateDatabaseError } from './translate-database-error.js';

export interface PostgresOptions {
  connectionString: string;
  /** Pool size. Default 10. */
  max?: number;
  /** Per-statement timeout in ms, enforced by the server. Default 5000. */
  statementTimeoutMs?: number;
  /**
   * Client-side limit on a query's round trip, ms: a frozen server or a silent network answers
   * nothing, and the server's statement_timeout cannot fire. Default 10000.
   */
  queryTimeoutMs?: number;
  /** How long to wait for a connection, ms. Default 5000. */
  connectTimeoutMs?: number;
  /** The server ends a session idle in a transaction this long, ms. Default 30000. */
  idleInTransactionTimeoutMs?: number;
  /** Schema to put first on the search_path (tests use one schema per file). Default: server default. */
  schema?: string;
  logger?: Logger;
}

function toInt8(value: string): number {
  return Number(value);
}

export function openPostgresDatabase(options: PostgresOptions): Db {
  const logger = options.logger ?? silentLogger;
  const max = options.max ?? 10;
  const config = connectionConfig(options);
  const pool = new pg.Pool({ ...config, max, idleTimeoutMillis: 30_000 });
  pool.on('error', (err) => logger.error({ err }, 'idle PostgreSQL client failed'));
  // A client checked out between two statements of a transaction (while the transaction awaits
  // other work) has no listener of the pool's: a lost connection would be an unhandled 'error'
  // event and end the process. The next statement on it fails instead (a DATABASE_ERROR), and the
  // transaction releases it as broken.
  pool.on('connect', (client) =>
    client.on('error', (err) => logger.debug({ err }, 'PostgreSQL connection lost')),
  );
  const hub = createNotificationHub(config, logger);
  return {
    kind: 'postgres',
    description: describe(options.connectionString),
    query: (sql, params) => runQuery(pool, sql, params),
    transaction: (fn) => inTransaction(pool, fn),
    async ping() {
      const start = performance.now();
      await runQuery(pool, 'SELECT 1');
      return performance.now() - start;
    },
    stats: () => ({
      total: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
      max,
    }),
    listen: (channel, listener) => hub.listen(channel, listener),
    async close() {
      await hub.close();
      await pool.end();
    },
  };
}

/** Every connection's settings, each limit set at start-up (no per-query SET). */
function connectionConfig(options: PostgresOptions): pg.ClientConfig {
  if (options.schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(options.schema)) {
    throw new TypeError(`invalid schema name ${JSON.stringify(options.schema)}`);
  }
  // int8 ids (GitHub ids, identities) stay below 2^53: parse them as numbers like PGlite does.
  const typeParsers = {
    getTypeParser: ((oid: number, format?: string) =>
      oid === 20
        ? toInt8
        : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
  };
  return {
    connectionString: options.connectionString,
    statement_timeout: options.statementTimeoutMs ?? 5000,
    query_timeout: options.queryTimeoutMs ?? 10_000,
    idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs ?? 30_000,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    // TCP keepalive: a peer that vanished (no FIN) is noticed instead of holding a connection.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    // No JIT compilation: the fleet reads plan above its cost threshold (the summary's primary-key
    // probes add up), and compiling their expressions took longer than running them (the fleet
    // summary at 10,000 repositories: 745 ms p50 with JIT, 423 ms without, at load 9.5).
    options: `-c jit=off${options.schema ? ` -c search_path=${options.schema}` : ''}`,
    types: typeParsers,
  };
}

/** "PostgreSQL at host:port/db" for logs and /ready, never the password. */
function describe(connectionString: string): string {
  try {
    const u = new URL(connectionString);
    return `PostgreSQL at ${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return 'PostgreSQL'; // the URL was validated by the config loader
  }
}

async function runQuery<R>(
  runner: pg.Pool | pg.PoolClient,
  sql: string,
  params?: readonly unknown[],
): Promise<QueryResult<R>> {
  try {
    const r = await runner.query(sql, params as unknown[] | undefined);
    return { rows: r.rows as R[], rowCount: r.rowCount ?? r.rows.length };
  } catch (err) {
    throw translateDatabaseError(err);
  }
}

/**
 * BEGIN, the body, COMMIT on one pooled connection; ROLLBACK on any error. Driver errors are
 * translated, anything else the body throws is rethrown unchanged. A connection whose ROLLBACK
 * fails is destroyed, not returned to the pool.
 */
async function inTransaction<T>(pool: pg.Pool, fn: (tx: Transaction) => Promise<T>): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    throw translateDatabaseError(err);
  }
  const tx: Transaction = {
    query: (sql, params) => runQuery(client, sql, params),
    async exec(sql) {
      try {
        await client.query(sql); // simple protocol: several statements, an array of results
      } catch (err) {
        throw translateDatabaseError(err);
      }
    },
  };
  let broken = false;
  try {
    await runQuery(client, 'BEGIN');
    const result = await fn(tx);
    await runQuery(client, 'COMMIT');
    return result;
  } catch (err) {
    try {
      await client.query('ROLLBACK');
    } catch {
      broken = true; // the connection is gone: do not return it to the pool
    }
    rethrowTransactionError(err);
  } finally {
    client.release(broken);
  }
}
