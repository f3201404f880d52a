/**
 * Applies the append-only SQL files of `migrations/` (`NNNN_name.sql`, in name order). Each
 * migration runs in its own transaction that first takes a transaction-scoped advisory lock (keyed
 * by schema), so concurrent runners (two `serve` replicas starting) apply each file exactly once.
 * The ledger records a sha256 of every applied file; an applied file that changed is an error.
 */
import { sha256 } from '../hash.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SteeringError } from '../errors.js';
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import type { Db, Queryable } from './db.js';

/** The repository's migrations directory. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

const LEDGER = `CREATE TABLE IF NOT EXISTS schema_migrations (
  name       text PRIMARY KEY,
  sha256     text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;
const LOCK = `SELECT pg_advisory_xact_lock(hashtext('steering:migrations:' || current_schema()))`;

export interface Migration {
  name: string;
  sql: string;
  sha256: string;
}

export interface MigrationOptions {
  /** Directory of `*.sql` files. Default: the repository's `migrations/`. */
  dir?: string;
  logger?: Logger;
}

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name), 'utf8');
      return { name, sql, sha256: sha256(sql) };
    });
}

async function appliedMigrations(q: Queryable): Promise<Map<string, string>> {
  const exists = await q.query<{ t: string | null }>(
    `SELECT to_regclass('schema_migrations')::text AS t`,
  );
  if (!exists.rows[0]?.t) return new Map();
  const r = await q.query<{ name: string; sha256: string }>(
    'SELECT name, sha256 FROM schema_migrations',
  );
  return new Map(r.rows.map((row) => [row.name, row.sha256]));
}

function checkUnchanged(applied: Map<string, string>, migrations: Migration[]): void {
  for (const m of migrations) {
    const sha = applied.get(m.name);
    if (sha !== undefined && sha !== m.sha256) {
      throw new SteeringError(
        'CONFIG_INVALID',
        `migration ${m.name} was changed after it was applied; migrations are append-only (add a new file instead)`,
      );
    }
  }
}

/** Names of migrations not yet applied (read-only). */
export async function pendingMigrations(db: Db, options: MigrationOptions = {}): Promise<string[]> {
  const migrations = readMigrations(options.dir);
  const applied = await appliedMigrations(db);
  checkUnchanged(applied, migrations);
  return migrations.filter((m) => !applied.has(m.name)).map((m) => m.name);
}

/** Applies every pending migration; returns the names applied by this call. */
export async function runMigrations(db: Db, options: MigrationOptions = {}): Promise<string[]> {
  const logger = options.logger ?? silentLogger;
  const migrations = readMigrations(options.dir);
  const done: string[] = [];
  for (const m of migrations) {
    const appliedNow = await db.transaction(async (tx) => {
      await tx.query(LOCK);
      await tx.exec(LEDGER);
      const applied = await appliedMigrations(tx);
      checkUnchanged(applied, migrations);
      if (applied.has(m.name)) return false;
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migrations (name, sha256) VALUES ($1, $2)', [
        m.name,
        m.sha256,
      ]);
      return true;
    });
    if (appliedNow) {
      logger.info({ migration: m.name }, 'applied migration');
      done.push(m.name);
    }
  }
  return done;
}
