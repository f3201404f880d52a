/**
 * `steering demo`: the whole loop on one machine, with no GitHub and no database server. A GitHub
 * simulator on loopback holds an organisation of service repositories (the checks' fixture
 * repositories); steering runs on an in-memory embedded PostgreSQL with in-process queues (or the
 * Redis of REDIS_URL when it is set), and the
 * demo drives it through its own HTTP API as a platform team would: publish the performance
 * guideline, watch the rollout open one pull request per repository, merge two of them (the
 * simulator sends signed webhooks back), read compliance with evidence, then publish a tightened
 * version and see the open pull requests updated in place.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { takeSnapshot } from '../compliance/index.js';
import type { Config } from '../config.js';
import { SteeringError } from '../errors.js';
import { startSimulator, type Simulator } from '../github/index.js';
import { createApp, startServer, type RunningServer } from '../http/index.js';
import { syncRepositories } from '../fleet/index.js';
import { createRolloutHook, deletePrefixKeys } from '../jobs/index.js';
import { silentLogger, type Logger } from '../log.js';
import { createMetrics } from '../metrics.js';
import { createApiToken, openPgliteDatabase, runMigrations, type Db } from '../store/index.js';
import { enqueueScan } from '../scans/index.js';
import { readDirectoryFiles } from './read-directory-files.js';
import { showMeasurements } from './demo-measurements.js';
import {
  DEMO_REPOS,
  mergeAndShowCompliance,
  publishFirstVersion,
  publishTightened,
  rescanAndShowOutlook,
  showFleetSummary,
  waiveOneFailure,
  type DemoContext,
  type Json,
} from './demo-steps.js';
import { startProcessing, type Processing } from './start-processing.js';

export interface DemoOptions {
  guideline: string;
  fixtures: string;
  port: number;
  /** Keep serving after the walk-through until SIGINT/SIGTERM. */
  keep: boolean;
  out: (line: string) => void;
  logger?: Logger;
}

/** The demo's queues live under a prefix of their own; nothing of it stays in Redis. */
async function deleteKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    await deletePrefixKeys(redis, prefix);
  } finally {
    redis.disconnect();
  }
}

/** With REDIS_URL set, say at once when it does not answer rather than retrying forever. */
async function requireRedis(url: string): Promise<void> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 3000,
  });
  let cause = '';
  redis.on('error', (err: Error) => (cause ||= err.message));
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new SteeringError(
      'QUEUE_UNAVAILABLE',
      `REDIS_URL is set but no Redis answers at ${url} (${cause || (err as Error).message}); start it, or unset REDIS_URL to run the demo with in-process queues`,
    );
  } finally {
    redis.disconnect();
  }
}

export async function runDemo(config: Config, options: DemoOptions): Promise<void> {
  const { out } = options;
  const redisUrl = config.redis.url;
  if (redisUrl) await requireRedis(redisUrl);
  const cleanup: Array<() => Promise<unknown>> = [];
  try {
    const sim = await startDemoGitHub(options.fixtures, out, cleanup);
    const steering = await startSteering(config, sim, options, cleanup);
    const ctx: DemoContext = { api: steering.api, sim, out };
    const source = readFileSync(options.guideline);
    const v1 = await publishFirstVersion(ctx, options.guideline, source);
    await mergeAndShowCompliance(ctx);
    await showMeasurements({
      api: steering.api,
      out,
      db: steering.db,
      logger: steering.logger,
      reportDir: join(options.fixtures, '..', 'reports', 'locust-payments'),
      step: 5,
    });
    // Fleet compliance: rescan against the new version (the open pull request then says what it
    // means for the repository), a waiver, and the fleet summary.
    const v2 = await publishTightened(ctx, source, v1);
    await rescanAndShowOutlook(ctx, v2);
    await waiveOneFailure(ctx);
    await takeSnapshot(steering.db); // today's burndown point now, not at the worker's next run
    await showFleetSummary(ctx);
    if (options.keep) await keepServing(out, steering.url, steering.token);
    else out('\nDone. `steering demo --keep` leaves the API running to explore.');
  } finally {
    for (const close of cleanup) await close().catch(() => undefined);
  }
}

/** Step 1: a simulated GitHub with the acme organisation's repositories. */
async function startDemoGitHub(
  fixtures: string,
  out: (line: string) => void,
  cleanup: Array<() => Promise<unknown>>,
): Promise<Simulator> {
  const sim = await startSimulator({ port: 0 });
  cleanup.push(() => sim.close());
  sim.addInstallation('acme', { id: 1 });
  for (const r of DEMO_REPOS) {
    sim.addRepo({
      owner: 'acme',
      name: r.name,
      installationId: 1,
      topics: r.topics,
      files: readDirectoryFiles(join(fixtures, r.fixture)),
    });
  }
  sim.addToken('ghs_demo', { login: 'steering[bot]', installationId: 1 });
  out(
    `1. Simulated GitHub at ${sim.url}: organisation acme with ${DEMO_REPOS.map((r) => `${r.name} (${r.fixture}${r.topics.length ? `, ${r.topics.join(', ')}` : ''})`).join(', ')}.`,
  );
  return sim;
}

interface RunningSteering {
  url: string;
  token: string;
  db: Db;
  logger: Logger;
  api: DemoContext['api'];
}

/** The demo's configuration: GitHub is the simulator, queues under a prefix of their own. */
function demoConfigFor(config: Config, sim: Simulator, secret: string): Config {
  return {
    ...config,
    github: {
      ...config.github,
      apiUrl: sim.url,
      auth: { kind: 'token', token: 'ghs_demo' },
      webhookSecret: secret,
      previousWebhookSecret: undefined,
    },
    redis: { ...config.redis, prefix: `steering-demo-${process.pid}-${Date.now()}` },
    rollout: { ...config.rollout, writeIntervalMs: 0 },
  };
}

/** Step 2: steering on an in-memory database with its workers, serving; the registry synced. */
async function startSteering(
  config: Config,
  sim: Simulator,
  options: DemoOptions,
  cleanup: Array<() => Promise<unknown>>,
): Promise<RunningSteering> {
  const logger = options.logger ?? silentLogger;
  const secret = randomBytes(16).toString('hex');
  const demoConfig = demoConfigFor(config, sim, secret);
  const redisUrl = config.redis.url;
  if (redisUrl) cleanup.push(() => deleteKeys(redisUrl, demoConfig.redis.prefix));
  const db: Db = await openPgliteDatabase({ dataDir: 'memory://' });
  cleanup.unshift(() => db.close());
  await runMigrations(db);
  const processing: Processing = await startProcessing(demoConfig, db, logger, {
    reconcileEverySeconds: 0,
  });
  cleanup.unshift(async () => {
    for (const c of processing.closables) await c.close();
  });
  const app = createDemoApp(demoConfig, db, processing, logger, secret);
  const server: RunningServer = await startServer(app, { port: options.port, host: '127.0.0.1' });
  cleanup.unshift(() => server.close());
  sim.setWebhook({ url: `${server.url}/webhooks/github`, secret });
  const { token } = await createApiToken(db, { name: 'demo', scopes: ['admin'] });
  options.out(
    `2. steering is serving at ${server.url} (in-memory database, ${redisUrl ? `Redis ${redisUrl}` : 'in-process queues'}); workers running.`,
  );
  const synced = await syncRepositories(processing.rollouts.github, db, demoConfig.rollout);
  options.out(
    `   Registry synced from the App installation: ${synced.eligible} repositories will receive guidelines.`,
  );
  return { url: server.url, token, db, logger, api: createApiClient(server.url, token) };
}

function createDemoApp(
  demoConfig: Config,
  db: Db,
  processing: Processing,
  logger: Logger,
  secret: string,
) {
  const hook = createRolloutHook({
    db,
    queue: processing.rollouts.queue,
    selectors: demoConfig.rollout,
    autoFlush: true,
    logger,
  });
  return createApp({
    db,
    logger,
    metrics: createMetrics({ processMetrics: false }),
    onPublished: hook.onPublished,
    webhooks: {
      secret,
      previousSecret: undefined,
      enqueue: processing.scans.enqueueDelivery,
      enqueueMany: processing.scans.enqueueDeliveries,
    },
    compliance: {
      rescan: (repositoryId, sha) =>
        enqueueScan(
          db,
          processing.scans.queue,
          { repositoryId, sha, trigger: 'manual', force: true },
          randomBytes(4).toString('hex'),
        ),
    },
  });
}

/** steering's API with the demo's admin token; an error answer throws with its detail. */
function createApiClient(url: string, token: string): DemoContext['api'] {
  return async (path, init = {}) => {
    const res = await fetch(`${url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, ...init.headers },
    });
    const body = (await res.json()) as Json;
    if (!res.ok)
      throw new Error(
        `demo: ${init.method ?? 'GET'} ${path} answered ${res.status}: ${body.detail ?? JSON.stringify(body)}`,
      );
    return body;
  };
}

/** `--keep`: say how to explore, then serve until SIGINT/SIGTERM. */
async function keepServing(out: (line: string) => void, url: string, token: string): Promise<void> {
  out(`\nDashboard: ${url}/ (log in with the API token below)`);
  out(
    `\nsteering keeps serving at ${url} — try:\n  curl -H "Authorization: Bearer ${token}" ${url}/v1/repositories/acme/payments/compliance\nCtrl-C stops it.`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}
