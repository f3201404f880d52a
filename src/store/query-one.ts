/** A lookup by key: the first row a statement returns, mapped to a record, or null when none. */
import type { Queryable } from './db.js';

export async function queryOne<T>(
  q: Queryable,
  sql: string,
  params: readonly unknown[],
  toRecord: (row: Record<string, unknown>) => T,
): Promise<T | null> {
  const r = await q.query(sql, params);
  const row = r.rows[0];
  return row ? toRecord(row) : null;
}
