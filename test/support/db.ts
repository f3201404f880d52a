/**
 * A fresh PostgreSQL schema per test file: created, put first on the pool's search_path (through
 * the connection's startup options), migrated, and dropped again by `drop()`.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import {
  openPgliteDatabase,
  openPostgresDatabase,
  runMigrations,
  type Db,
} from '../../src/store/index.js';

export const TEST_DATABASE_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';

export interface TestDatabase {
  db: Db;
  schema: string;
  /** Closes the pool and drops the schema. */
  drop(): Promise<void>;
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(
  options: { migrate?: boolean; max?: number } = {},
): Promise<TestDatabase> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE SCHEMA ${schema}`));
  const db = openPostgresDatabase({
    connectionString: TEST_DATABASE_URL,
    schema,
    max: options.max ?? 5,
  });
  if (options.migrate !== false) await runMigrations(db);
  return {
    db,
    schema,
    async drop() {
      await db.close();
      await admin((c) => c.query(`DROP SCHEMA ${schema} CASCADE`));
    },
  };
}

export type TestDriver = 'postgres' | 'pglite';

/** Both drivers the store runs on: the store's tests run once against each. */
export const TEST_DRIVERS: readonly TestDriver[] = ['postgres', 'pglite'];

/** A migrated database of either driver: a fresh PostgreSQL schema, or an in-memory PGlite. */
export async function createTestDatabaseOf(
  driver: TestDriver,
  options: { max?: number } = {},
): Promise<TestDatabase> {
  if (driver === 'postgres') return createTestDatabase(options);
  const db = await openPgliteDatabase({ dataDir: 'memory://' });
  await runMigrations(db);
  return { db, schema: 'pglite', drop: () => db.close() };
}
