/**
 * `steering worker`: runs the job processors (rollout distribution, webhook deliveries and scans,
 * reconciliation) without the HTTP API, to scale them out. Any number may run against one
 * PostgreSQL and Redis (the embedded database allows one process: use DATABASE_URL).
 * SIGTERM/SIGINT: finish the jobs in hand, then close.
 */
import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { createLogger } from '../../log.js';
import { openDatabase } from '../../store/index.js';
import { startProcessing } from '../start-processing.js';

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description(
      'run the job processors (rollouts, webhook deliveries, scans) without the HTTP API',
    )
    .option('--concurrency <n>', 'jobs in flight per queue', (v) => Number.parseInt(v, 10), 4)
    .option(
      '--reconcile-every <s>',
      'seconds between rollout reconciliations (0: only at start)',
      (v) => Number.parseInt(v, 10),
      300,
    )
    .action(async (opts: { concurrency: number; reconcileEvery: number }) => {
      const config = loadConfig();
      const logger = createLogger({ level: config.logLevel });
      const db = await openDatabase(config, { logger: logger.child({ component: 'store' }) });
      const processing = await startProcessing(config, db, logger, {
        concurrency: opts.concurrency,
        reconcileEverySeconds: opts.reconcileEvery,
      });
      await new Promise<void>((resolve) => {
        process.once('SIGTERM', () => resolve());
        process.once('SIGINT', () => resolve());
      });
      for (const c of processing.closables) await c.close();
      await db.close();
      logger.info('workers stopped');
    });
}
