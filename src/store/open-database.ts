/**
 * Opens the database the configuration names: PostgreSQL when DATABASE_URL is set, otherwise the
 * embedded PGlite in `<dataDir>/pglite`. The embedded database is always migrated on open (a
 * newcomer has nothing to set up); PostgreSQL is migrated when asked (`migrate: true`, or
 * STEERING_MIGRATE_ON_START), and otherwise refuses to run on a schema that is behind.
 */
import { join } from 'node:path';
import type { Config } from '../config.js';
import { SteeringError } from '../errors.js';
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import type { Db } from './db.js';
import { openPgliteDatabase } from './open-pglite-database.js';
import { openPostgresDatabase } from './open-postgres-database.js';
import { pendingMigrations, runMigrations } from './run-migrations.js';

export interface OpenDatabaseOptions {
  logger?: Logger;
  /** Run pending migrations. Default: true for the embedded database, config's migrateOnStart for PostgreSQL. */
  migrate?: boolean;
  /** Skip the "schema is behind" check (used by `steering migrate` itself). Default false. */
  skipSchemaCheck?: boolean;
}

export async function openDatabase(config: Config, options: OpenDatabaseOptions = {}): Promise<Db> {
  const logger = options.logger ?? silentLogger;
  const db = config.database.url
    ? openPostgresDatabase({
        connectionString: config.database.url,
        max: config.database.poolMax,
        statementTimeoutMs: config.database.statementTimeoutMs,
        queryTimeoutMs: config.database.queryTimeoutMs,
        connectTimeoutMs: config.database.connectTimeoutMs,
        idleInTransactionTimeoutMs: config.database.idleInTransactionTimeoutMs,
        logger,
      })
    : await openPgliteDatabase({ dataDir: join(config.database.dataDir, 'pglite') });
  try {
    const migrate = options.migrate ?? (db.kind === 'pglite' || config.database.migrateOnStart);
    if (migrate) await runMigrations(db, { logger });
    else if (!options.skipSchemaCheck) {
      const pending = await pendingMigrations(db);
      if (pending.length > 0) {
        throw new SteeringError(
          'CONFIG_INVALID',
          `the database schema is behind (${pending.length} pending: ${pending.join(', ')}); run \`steering migrate\` or set STEERING_MIGRATE_ON_START=true`,
        );
      }
    }
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}
