/**
 * `steering migrate [--status]`: applies pending SQL migrations (append-only files in
 * `migrations/`, ledger table, advisory lock) to the configured database.
 */
import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { createLogger } from '../../log.js';
import { openDatabase, pendingMigrations, runMigrations } from '../../store/index.js';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations (DATABASE_URL, or the embedded database)')
    .option('--status', 'list pending migrations without applying them')
    .action(async (opts: { status?: boolean }) => {
      const config = loadConfig();
      const logger = createLogger({ level: 'warn', destination: process.stderr });
      const db = await openDatabase(config, { logger, migrate: false, skipSchemaCheck: true });
      try {
        process.stdout.write(`database: ${db.description}\n`);
        if (opts.status) {
          const pending = await pendingMigrations(db);
          process.stdout.write(
            pending.length
              ? `pending:\n${pending.map((p) => `  ${p}\n`).join('')}`
              : 'up to date\n',
          );
          return;
        }
        const applied = await runMigrations(db, { logger });
        process.stdout.write(
          applied.length
            ? `applied:\n${applied.map((p) => `  ${p}\n`).join('')}`
            : 'up to date: nothing to apply\n',
        );
      } finally {
        await db.close();
      }
    });
}
