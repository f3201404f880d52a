/**
 * `steering worker`: runs the `distribute` processor without the HTTP API, to scale it out.
 * On start, and every `--reconcile-every` seconds, due targets are re-enqueued from PostgreSQL
 * (a Redis that lost its data loses no work). SIGTERM/SIGINT: finish the jobs in hand, then close.
 */
import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { openRolloutRuntime, reconcileRollouts, startDistributeWorker } from '../../jobs/index.js';
import { createLogger } from '../../log.js';
import { openDatabase } from '../../store/index.js';

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('run the distribute job processor (rollouts) without the HTTP API')
    .option('--concurrency <n>', 'jobs in flight', (v) => Number.parseInt(v, 10), 4)
    .option(
      '--reconcile-every <s>',
      'seconds between reconciliations (0: only at start)',
      (v) => Number.parseInt(v, 10),
      300,
    )
    .action(async (opts: { concurrency: number; reconcileEvery: number }) => {
      const config = loadConfig();
      const logger = createLogger({ level: config.logLevel });
      const db = await openDatabase(config, { logger: logger.child({ component: 'store' }) });
      const runtime = openRolloutRuntime(config, { logger });
      const worker = startDistributeWorker({
        db,
        github: runtime.github,
        queue: runtime.queue,
        connection: runtime.connection,
        prefix: runtime.prefix,
        logger,
        concurrency: opts.concurrency,
      });
      const reconcile = async () => {
        try {
          const n = await reconcileRollouts(db, runtime.queue);
          if (n) logger.info({ due: n }, 'reconciled rollouts');
        } catch (err) {
          logger.warn({ err: (err as Error).message }, 'reconcile failed');
        }
      };
      await reconcile();
      const timer =
        opts.reconcileEvery > 0
          ? setInterval(() => void reconcile(), opts.reconcileEvery * 1000)
          : undefined;
      logger.info(
        { prefix: runtime.prefix, concurrency: opts.concurrency },
        'distribute worker running',
      );
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
      if (timer) clearInterval(timer);
      await worker.close();
      await runtime.close();
      await db.close();
      logger.info('distribute worker stopped');
    });
}
