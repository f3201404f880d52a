/**
 * `steering serve`: the HTTP API and, unless --no-workers, the job processors in the same process
 * (`steering worker` runs more of them elsewhere). Publishing creates a rollout; with
 * GITHUB_WEBHOOK_SECRET set, POST /webhooks/github is mounted. With no DATABASE_URL it runs on
 * the embedded database and says so in its first log line. It listens whatever Redis does
 * (`/ready` says when Redis is down; the workers attach when it answers). On SIGTERM/SIGINT: HTTP
 * server, then workers (forced after STEERING_SHUTDOWN_DEADLINE_MS), then the database pool and
 * Redis (see http/start-server.ts).
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Command } from 'commander';
import type { Redis } from 'ioredis';
import { loadConfig, type Config } from '../../config.js';
import { SteeringError } from '../../errors.js';
import { syncRepositories } from '../../fleet/index.js';
import {
  createApp,
  createShutdown,
  startServer,
  webhookIntakeIdle,
  type Closable,
} from '../../http/index.js';
import { createRolloutHook, promoteRollout, reconcileRollouts } from '../../jobs/index.js';
import { createLogger, type Logger } from '../../log.js';
import { createMetrics, registerQueueMetrics } from '../../metrics.js';
import { createCompilePool } from '../../publish/index.js';
import { loadIoredis } from '../../queue/index.js';
import { enqueueScan } from '../../scans/index.js';
import { createApiToken, openDatabase, revokeApiToken, type Db } from '../../store/index.js';
import { removeServerFile, writeServerFile } from '../server-client.js';
import { startProcessing, type Processing } from '../start-processing.js';
import { untilSignal } from '../until-signal.js';
import { releaseYoungGeneration } from '../young-generation.js';

interface ServeOptions {
  port?: number;
  host?: string;
  migrate?: boolean;
  workers: boolean;
}

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
    .action((opts: ServeOptions) => runServe(opts));
}

async function runServe(opts: ServeOptions): Promise<void> {
  const config = loadConfig();
  if (!opts.workers && !config.redis.url)
    throw new SteeringError(
      'USAGE',
      '--no-workers leaves the jobs to `steering worker`, which needs shared queues: set REDIS_URL (and DATABASE_URL)',
    );
  const logger = createLogger({ level: config.logLevel });
  const db = await openServeDatabase(config, logger, opts.migrate);
  logger.info({ github: githubMode(config) }, `GitHub: ${githubMode(config)}`);
  const processing = await startProcessing(config, db, logger, { workers: opts.workers });
  const driver = processing.driver;
  logger.info(
    { queues: driver.kind },
    driver.kind === 'redis'
      ? `queues: ${driver.description}`
      : 'queues: in-process because REDIS_URL is not set (one process runs every job; set REDIS_URL to scale out with `steering worker`)',
  );
  const api = buildApi(config, db, logger, processing);
  const server = await startServer(api.app, {
    port: opts.port ?? config.http.port,
    host: opts.host ?? config.http.host,
  });
  logger.info({ url: server.url, database: db.description }, 'steering is listening');
  releaseYoungGeneration();
  const local = await leaveServerFile(config, db, server.url).catch((err: Error) => {
    logger.warn(
      { err: err.message },
      'could not write the local CLI token file; set STEERING_URL and STEERING_TOKEN for the CLI',
    );
    return undefined;
  });
  if (local) logger.info({ file: local.path }, 'CLI commands on this machine talk to this server');
  const shutdown = createShutdown({
    server,
    drain: api.drain,
    workers: processing.closables,
    resources: [
      ...(local ? [{ name: 'local CLI token', close: () => local.remove() }] : []),
      ...api.resources,
      { name: 'database', close: () => db.close() },
    ],
    logger,
    deadlineMs: config.resilience.shutdownDeadlineMs,
  });
  await untilSignal((signal) => shutdown(signal));
}

async function openServeDatabase(config: Config, logger: Logger, migrate?: boolean): Promise<Db> {
  if (config.database.url)
    logger.info({ database: 'postgres' }, 'using PostgreSQL from DATABASE_URL');
  else
    logger.info(
      { database: 'embedded', dataDir: `${config.database.dataDir}/pglite` },
      `using the embedded database (PGlite) in ${config.database.dataDir}/pglite because DATABASE_URL is not set`,
    );
  return openDatabase(config, {
    logger: logger.child({ component: 'store' }),
    migrate: migrate || undefined,
  });
}

/** The Express app of `serve` and what it opened for it (closed at shutdown, in order). */
function buildApi(config: Config, db: Db, logger: Logger, processing: Processing) {
  const { driver, rollouts, scans } = processing;
  const secret = config.github.webhookSecret;
  if (!secret)
    logger.warn('GITHUB_WEBHOOK_SECRET is not set: POST /webhooks/github is not mounted');
  const compilePool = createCompilePool(config.compile);
  const metrics = createMetrics();
  registerQueueMetrics(metrics, { distribute: rollouts.queue, scan: scans.queue });
  const authRedis = openAuthRedis(config);
  const app = createApp({
    db,
    logger,
    metrics,
    readiness: {
      postgres: () => db.ping(),
      ...(driver.kind === 'redis' ? { redis: () => driver.ping() } : {}),
    },
    onPublished: createRolloutHook({
      db,
      queue: rollouts.queue,
      selectors: config.rollout,
      autoFlush: true,
      logger: logger.child({ component: 'rollouts' }),
    }).onPublished,
    compliance: {
      maxWaiverDays: config.compliance.waiverMaxDays,
      publicDashboard: config.compliance.publicDashboard,
      publicBadges: config.compliance.publicBadges,
      rescan: (repositoryId, sha) =>
        enqueueScan(
          db,
          scans.queue,
          { repositoryId, sha, trigger: 'manual', force: true },
          randomUUID(),
        ),
    },
    staleAfterDays: config.measurements.staleAfterDays,
    compile: compilePool.compile,
    // The HTTP body limit never refuses a document STEERING_MAX_DOCUMENT_BYTES allows (1 MiB at least).
    bodyLimit: String(Math.max(config.compile.maxBytes, 1024 * 1024)),
    failedAuth: authRedis ? { redis: { client: authRedis, prefix: config.redis.prefix } } : {},
    ...(secret
      ? {
          webhooks: {
            secret,
            previousSecret: config.github.previousWebhookSecret,
            enqueue: scans.enqueueDelivery,
            enqueueMany: scans.enqueueDeliveries,
          },
        }
      : {}),
    admin: {
      selectors: config.rollout,
      promoteRollout: (id) => promoteRollout(db, rollouts.queue, id),
      reconcileRollouts: () => reconcileRollouts(db, rollouts.queue),
      ...(config.github.auth.kind === 'none'
        ? {}
        : { syncRepositories: () => syncRepositories(rollouts.github, db, config.rollout) }),
    },
  });
  // Answered deliveries are handed to the queue before it closes, and their enqueued_at markers
  // written before the pool closes.
  const drain: Closable[] = [{ name: 'webhook intake', close: () => webhookIntakeIdle(app) }];
  const resources: Closable[] = [
    { name: 'compile pool', close: () => compilePool.close() },
    { name: 'redis', close: async () => authRedis?.disconnect() },
  ];
  return { app, drain, resources };
}

/** Failed-authentication counts are shared through Redis when there is one, in-process otherwise. */
function openAuthRedis(config: Config): Redis | undefined {
  if (!config.redis.url) return undefined;
  const redis: Redis = new (loadIoredis().Redis)(config.redis.url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: config.redis.connectTimeoutMs ?? 5000,
    commandTimeout: config.redis.commandTimeoutMs ?? 5000,
  });
  redis.on('error', () => undefined); // /ready reports Redis; the limiter falls back in-process
  redis.connect().catch(() => undefined);
  return redis;
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
