/**
 * An embedded PostgreSQL (PGlite, WebAssembly) behind the Db interface, so steering runs with no
 * database server. PGlite serialises every query and holds a lock for the whole of a transaction:
 * inside `transaction(fn)` only `tx` may be used (see db.ts).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SteeringError } from '../errors.js';
import { performance } from 'node:perf_hooks';
import { PGlite } from '@electric-sql/pglite';
import type { Db, QueryResult, Transaction } from './db.js';
import { rethrowTransactionError, translateDatabaseError } from './translate-database-error.js';

/** The async context of an open embedded transaction body (see `outsideTransaction`). */
const transactionContext = new AsyncLocalStorage<{ open: boolean }>();

/**
 * Runs `fn` outside any transaction's async context, for work a transaction body schedules to run
 * after it commits (timers, queued callbacks): those may use `db.query` on the embedded database.
 */
export function outsideTransaction<T>(fn: () => T): T {
  return transactionContext.exit(fn);
}

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

/**
 * PGlite is one process's database: a second process opening the same directory would see stale
 * data or corrupt it. A pid lock file makes the second one stop with a clear message instead.
 */
function lockDataDir(dataDir: string): () => void {
  const lockPath = join(dataDir, 'steering.pid');
  try {
    writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
  } catch {
    const holder = Number(readFileSync(lockPath, 'utf8').trim());
    if (Number.isInteger(holder) && isAlive(holder)) {
      throw new SteeringError(
        'CONFLICT',
        `the embedded database in ${dataDir} is in use by another steering process (pid ${holder}); ` +
          'stop it first, or set DATABASE_URL so several processes share one PostgreSQL',
      );
    }
    writeFileSync(lockPath, String(process.pid)); // stale lock from a process that is gone
  }
  return () => rmSync(lockPath, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function openPgliteDatabase(options: PgliteOptions): Promise<Db> {
  const inMemory = options.dataDir.startsWith('memory://');
  if (!inMemory) mkdirSync(options.dataDir, { recursive: true });
  const unlock = inMemory ? () => {} : lockDataDir(options.dataDir);
  let pglite: PGlite;
  try {
    pglite = await PGlite.create({ dataDir: options.dataDir });
  } catch (err) {
    unlock();
    throw translateDatabaseError(err);
  }
  let inTransaction = 0;
  // Marks the async context of a transaction body: PGlite holds its one connection for the whole
  // transaction, so `db.query` awaited inside the body would wait for ever. Fail at once instead.
  function assertOutsideTransaction(what: string): void {
    if (transactionContext.getStore()?.open) {
      throw new SteeringError(
        'INTERNAL',
        `db.${what} was called inside db.transaction on the embedded database, which would deadlock: ` +
          "use the transaction's own tx.query inside the body",
      );
    }
  }
  return {
    kind: 'pglite',
    description: `embedded PostgreSQL (PGlite) in ${options.dataDir}`,
    query: async (sql, params) => {
      assertOutsideTransaction('query');
      return run(pglite, sql, params);
    },
    async transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
      assertOutsideTransaction('transaction');
      try {
        const marker = { open: true };
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
            return await transactionContext.run(marker, () => fn(tx));
          } finally {
            marker.open = false; // timers started in the body may query once it has ended
            inTransaction--;
          }
        });
      } catch (err) {
        rethrowTransactionError(err);
      }
    },
    async ping() {
      const start = performance.now();
      await run(pglite, 'SELECT 1');
      return performance.now() - start;
    },
    stats: () => ({ total: 1, idle: inTransaction ? 0 : 1, waiting: 0, max: 1 }),
    listen(_channel, listener) {
      listener.listening(true); // no other process can write: nothing to hear from elsewhere
      return () => undefined;
    },
    close: async () => {
      try {
        await pglite.close();
      } finally {
        unlock();
      }
    },
  };
}
