/**
 * `steering worker`: runs the job processors (rollout distribution, webhook deliveries and scans,
 * reconciliation) without the HTTP API, to scale them out. Any number may run against one
 * PostgreSQL and Redis (the embedded database allows one process: use DATABASE_URL).
 * `--port` serves /health, /ready and /metrics for probes and scrapes. SIGTERM/SIGINT: finish the
 * jobs in hand, then close; jobs still running at STEERING_SHUTDOWN_DEADLINE_MS go back to the queue.
 */
import type { Command } from 'commander';
import type { CliIo } from '../cli-io.js';
import { loadConfig } from '../../config.js';
import { createLogger } from '../../log.js';
import { createMetrics, registerQueueMetrics } from '../../metrics.js';
import { createOpsApp, createShutdown, startServer, type RunningServer } from '../../http/index.js';
import { openDatabase } from '../../store/index.js';
import { startProcessing } from '../start-processing.js';
import { untilSignal } from '../until-signal.js';

export function registerWorker(program: Command, io: CliIo): void {
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
    .option(
      '--port <port>',
      'serve /health, /ready and /metrics on this port (default: none)',
      (v) => Number.parseInt(v, 10),
    )
    .option('--host <host>', 'with --port: bind address (default HOST)')
    .action(
      async (opts: {
        concurrency: number;
        reconcileEvery: number;
        port?: number;
        host?: string;
      }) => {
        const config = loadConfig(io.env);
        const logger = createLogger({ level: config.logLevel });
        const db = await openDatabase(config, { logger: logger.child({ component: 'store' }) });
        const processing = await startProcessing(config, db, logger, {
          concurrency: opts.concurrency,
          reconcileEverySeconds: opts.reconcileEvery,
        });
        let ops: RunningServer | undefined;
        if (opts.port !== undefined) {
          const metrics = createMetrics();
          registerQueueMetrics(metrics, {
            distribute: processing.rollouts.queue,
            scan: processing.scans.queue,
          });
          const driver = processing.driver;
          ops = await startServer(
            createOpsApp({
              metrics,
              readiness: {
                postgres: () => db.ping(),
                ...(driver.kind === 'redis' ? { redis: () => driver.ping() } : {}),
              },
            }),
            { port: opts.port, host: opts.host ?? config.http.host },
          );
          logger.info({ url: ops.url }, 'worker health and metrics endpoints listening');
        }
        // The same bounded shutdown as `serve`: busy workers are forced after the deadline.
        const shutdown = createShutdown({
          server: ops ?? { server: undefined as never, url: '', close: async () => undefined },
          workers: processing.closables,
          resources: [{ name: 'database', close: () => db.close() }],
          logger,
          deadlineMs: config.resilience.shutdownDeadlineMs,
        });
        await untilSignal((signal) => shutdown(signal));
      },
    );
}
