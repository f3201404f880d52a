/**
 * `steering serve`: the HTTP API and, unless --no-workers, the job processors in the same process
 * (`steering worker` runs more of them elsewhere). Publishing creates a rollout; with
 * GITHUB_WEBHOOK_SECRET set, POST /webhooks/github is mounted. With no DATABASE_URL it runs on
 * the embedded database and says so in its first log line. On SIGTERM/SIGINT: HTTP server, then
 * workers, then the database pool and Redis (see http/start-server.ts).
 */
import { randomUUID } from 'node:crypto';
import { enqueueScan } from '../../scans/index.js';
import type { Command } from 'commander';
import { Redis } from 'ioredis';
import { loadConfig } from '../../config.js';
import { createLogger } from '../../log.js';
import { createMetrics, registerQueueMetrics } from '../../metrics.js';
import { createApp, createShutdown, startServer, type Closable } from '../../http/index.js';
import { createRolloutHook } from '../../jobs/index.js';
import { createCompilePool } from '../../publish/index.js';
import { openDatabase } from '../../store/index.js';
import { startProcessing } from '../start-processing.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'start the HTTP API and the job processors (embedded database when DATABASE_URL is unset)',
    )
    .option('--port <port>', 'override PORT', (v) => Number.parseInt(v, 10))
    .option('--host <host>', 'override HOST')
    .option(
      '--migrate',
      'apply pending migrations before starting (always done for the embedded database)',
    )
    .option('--no-workers', 'serve the API only; run `steering worker` for the job processors')
    .action(async (opts: { port?: number; host?: string; migrate?: boolean; workers: boolean }) => {
      const config = loadConfig();
      const logger = createLogger({ level: config.logLevel });
      if (config.database.url)
        logger.info({ database: 'postgres' }, 'using PostgreSQL from DATABASE_URL');
      else {
        logger.info(
          { database: 'embedded', dataDir: `${config.database.dataDir}/pglite` },
          `using the embedded database (PGlite) in ${config.database.dataDir}/pglite because DATABASE_URL is not set`,
        );
      }
      const db = await openDatabase(config, {
        logger: logger.child({ component: 'store' }),
        migrate: opts.migrate || undefined,
      });

      const redis = new Redis(config.redis.url, {
        lazyConnect: true,
        maxRetriesPerRequest: 1,
        enableOfflineQueue: false,
      });
      let lastRedisError = 0;
      redis.on('error', (err: Error) => {
        if (Date.now() - lastRedisError < 30_000) return;
        lastRedisError = Date.now();
        logger.warn({ err }, 'Redis unavailable (readiness reports it; retrying)');
      });
      redis.connect().catch(() => undefined); // reconnects on its own; /ready shows the state

      const processing = await startProcessing(config, db, logger, { workers: opts.workers });
      const rollouts = createRolloutHook({
        db,
        queue: processing.rollouts.queue,
        selectors: config.rollout,
        autoFlush: true,
        logger: logger.child({ component: 'rollouts' }),
      });
      const secret = config.github.webhookSecret;
      if (!secret)
        logger.warn('GITHUB_WEBHOOK_SECRET is not set: POST /webhooks/github is not mounted');
      const compilePool = createCompilePool(config.compile);
      const metrics = createMetrics();
      registerQueueMetrics(metrics, {
        distribute: processing.rollouts.queue,
        scan: processing.scans.queue,
      });
      const app = createApp({
        db,
        logger,
        metrics,
        readiness: { postgres: () => db.ping(), redis: () => redis.ping() },
        onPublished: rollouts.onPublished,
        compliance: {
          maxWaiverDays: config.compliance.waiverMaxDays,
          publicDashboard: config.compliance.publicDashboard,
          publicBadges: config.compliance.publicBadges,
          rescan: (repositoryId, sha) =>
            enqueueScan(
              db,
              processing.scans.queue,
              { repositoryId, sha, trigger: 'manual', force: true },
              randomUUID(),
            ),
        },
        staleAfterDays: config.measurements.staleAfterDays,
        compile: compilePool.compile,
        failedAuth: { redis: { client: redis, prefix: config.redis.prefix } },
        ...(secret
          ? {
              webhooks: {
                secret,
                previousSecret: config.github.previousWebhookSecret,
                enqueue: processing.scans.enqueueDelivery,
              },
            }
          : {}),
      });
      const server = await startServer(app, {
        port: opts.port ?? config.http.port,
        host: opts.host ?? config.http.host,
      });
      logger.info({ url: server.url, database: db.description }, 'steering is listening');

      const workers: Closable[] = processing.closables;
      const shutdown = createShutdown({
        server,
        workers,
        resources: [
          { name: 'compile pool', close: () => compilePool.close() },
          { name: 'database', close: () => db.close() },
          {
            name: 'redis',
            close: async () => (redis.status === 'ready' ? redis.quit() : redis.disconnect()),
          },
        ],
        logger,
      });
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => void shutdown(signal).then(resolve);
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
      });
    });
}
