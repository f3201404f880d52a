/**
 * `runExclusively(db, name, fn)`: runs `fn` in at most one process at a time per schema, under a
 * PostgreSQL advisory lock held by a transaction for the duration (released when it ends or its
 * connection dies, so a killed process never leaves it taken). Another process holding it: `fn`
 * is skipped and `{ ran: false }` comes back. The embedded database has one process: it just runs.
 */
import type { Db } from './db.js';

export async function runExclusively<T>(
  db: Db,
  name: string,
  fn: () => Promise<T>,
): Promise<{ ran: true; value: T } | { ran: false }> {
  if (db.kind !== 'postgres') return { ran: true, value: await fn() };
  return db.transaction(async (tx) => {
    // The lock's transaction sits idle while `fn` works on other connections.
    await tx.query(`SET LOCAL idle_in_transaction_session_timeout = 0`);
    const r = await tx.query<{ ok: boolean }>(
      `SELECT pg_try_advisory_xact_lock(hashtext('steering:' || $1::text || ':' || current_schema())) AS ok`,
      [name],
    );
    if (!r.rows[0]?.ok) return { ran: false as const };
    return { ran: true as const, value: await fn() };
  });
}
