/**
 * `steering migrate [--status]`: applies pending SQL migrations (append-only files in
 * `migrations/`, ledger table, advisory lock) to the configured database.
 */
import type { Command } from 'commander';
import { logDestination, type CliIo } from '../cli-io.js';
import { loadConfig } from '../../config.js';
import { createLogger } from '../../log.js';
import { openDatabase, pendingMigrations, runMigrations } from '../../store/index.js';

export function registerMigrate(program: Command, io: CliIo): void {
  program
    .command('migrate')
    .description('apply pending database migrations (DATABASE_URL, or the embedded database)')
    .option('--status', 'list pending migrations without applying them')
    .action(async (opts: { status?: boolean }) => {
      const config = loadConfig(io.env);
      const logger = createLogger({ level: 'warn', destination: logDestination(io.stderr) });
      const db = await openDatabase(config, { logger, migrate: false, skipSchemaCheck: true });
      try {
        io.stdout.write(`database: ${db.description}\n`);
        if (opts.status) {
          const pending = await pendingMigrations(db);
          io.stdout.write(
            pending.length
              ? `pending:\n${pending.map((p) => `  ${p}\n`).join('')}`
              : 'up to date\n',
          );
          return;
        }
        const applied = await runMigrations(db, { logger });
        io.stdout.write(
          applied.length
            ? `applied:\n${applied.map((p) => `  ${p}\n`).join('')}`
            : 'up to date: nothing to apply\n',
        );
      } finally {
        await db.close();
      }
    });
}
