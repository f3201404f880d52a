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
import { loadConfig, type Config } from '../../config.js';
import { SteeringError } from '../../errors.js';
import { createLogger } from '../../log.js';
import { createMetrics, registerQueueMetrics } from '../../metrics.js';
import { createApp, createShutdown, startServer, type Closable } from '../../http/index.js';
import { createRolloutHook, promoteRollout, reconcileRollouts } from '../../jobs/index.js';
import { hostname } from 'node:os';
import { syncRepositories } from '../../fleet/index.js';
import { createApiToken, openDatabase, revokeApiToken, type Db } from '../../store/index.js';
import { removeServerFile, writeServerFile } from '../server-client.js';
import { createCompilePool } from '../../publish/index.js';
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
      if (!opts.workers && !config.redis.url)
        throw new SteeringError(
          'USAGE',
          '--no-workers leaves the jobs to `steering worker`, which needs shared queues: set REDIS_URL (and DATABASE_URL)',
        );
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
      logger.info({ github: githubMode(config) }, `GitHub: ${githubMode(config)}`);

      const processing = await startProcessing(config, db, logger, { workers: opts.workers });
      const driver = processing.driver;
      logger.info(
        { queues: driver.kind },
        driver.kind === 'redis'
          ? `queues: ${driver.description}`
          : 'queues: in-process because REDIS_URL is not set (one process runs every job; set REDIS_URL to scale out with `steering worker`)',
      );
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
      // Failed-authentication counts are shared through Redis when there is one, in-process otherwise.
      const authRedis = config.redis.url
        ? new Redis(config.redis.url, {
            lazyConnect: true,
            maxRetriesPerRequest: 1,
            enableOfflineQueue: false,
          })
        : undefined;
      authRedis?.on('error', () => undefined); // /ready reports Redis; the limiter falls back in-process
      authRedis?.connect().catch(() => undefined);
      const app = createApp({
        db,
        logger,
        metrics,
        readiness: {
          postgres: () => db.ping(),
          ...(driver.kind === 'redis' ? { redis: () => driver.ping() } : {}),
        },
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
        failedAuth: authRedis ? { redis: { client: authRedis, prefix: config.redis.prefix } } : {},
        ...(secret
          ? {
              webhooks: {
                secret,
                previousSecret: config.github.previousWebhookSecret,
                enqueue: processing.scans.enqueueDelivery,
              },
            }
          : {}),
        admin: {
          selectors: config.rollout,
          promoteRollout: (id) => promoteRollout(db, processing.rollouts.queue, id),
          reconcileRollouts: () => reconcileRollouts(db, processing.rollouts.queue),
          ...(config.github.auth.kind === 'none'
            ? {}
            : {
                syncRepositories: () =>
                  syncRepositories(processing.rollouts.github, db, config.rollout),
              }),
        },
      });
      const server = await startServer(app, {
        port: opts.port ?? config.http.port,
        host: opts.host ?? config.http.host,
      });
      logger.info({ url: server.url, database: db.description }, 'steering is listening');
      const local = await leaveServerFile(config, db, server.url).catch((err: Error) => {
        logger.warn(
          { err: err.message },
          'could not write the local CLI token file; set STEERING_URL and STEERING_TOKEN for the CLI',
        );
        return undefined;
      });
      if (local)
        logger.info({ file: local.path }, 'CLI commands on this machine talk to this server');

      const workers: Closable[] = processing.closables;
      const shutdown = createShutdown({
        server,
        workers,
        resources: [
          ...(local ? [{ name: 'local CLI token', close: () => local.remove() }] : []),
          { name: 'compile pool', close: () => compilePool.close() },
          { name: 'database', close: () => db.close() },
          { name: 'redis', close: async () => authRedis?.disconnect() },
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

/** How this process reaches GitHub, in words for the first log lines. */
export function githubMode(config: Pick<Config, 'github'>): string {
  const { auth, apiUrl, webhookSecret } = config.github;
  const where = apiUrl === 'https://api.github.com' ? 'github.com' : apiUrl;
  const hooks = webhookSecret ? 'webhooks verified' : 'no webhooks (GITHUB_WEBHOOK_SECRET unset)';
  if (auth.kind === 'app') return `GitHub App ${auth.appId} on ${where}, ${hooks}`;
  if (auth.kind === 'token') return `token (GITHUB_TOKEN) on ${where}, ${hooks}`;
  return 'not configured: publishing stores versions but opens no pull requests; set GITHUB_APP_ID with GITHUB_PRIVATE_KEY (run `steering setup github-app`) or GITHUB_TOKEN';
}

/**
 * Creates an admin token for the CLI on this machine and writes it, with the URL and this process
 * id, to `<STEERING_DATA_DIR>/server.json` (mode 0600); `remove()` revokes it and deletes the file.
 */
async function leaveServerFile(config: Config, db: Db, url: string) {
  const name = `local-cli@${hostname()}:${new URL(url).port}`;
  await revokeApiToken(db, name).catch(() => undefined); // left by a server that was killed
  const { token } = await createApiToken(db, { name, scopes: ['admin'] });
  const local = url.replace('//0.0.0.0:', '//127.0.0.1:').replace('//[::]:', '//127.0.0.1:');
  const path = writeServerFile(config, { url: local, pid: process.pid, token });
  return {
    path,
    async remove() {
      removeServerFile(config);
      await revokeApiToken(db, name).catch(() => undefined);
    },
  };
}
