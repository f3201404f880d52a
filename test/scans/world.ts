/**
 * A scan test world: a fresh PostgreSQL schema with the performance guideline published, the
 * GitHub simulator with one organisation (token scoped to its installation), a random Redis
 * prefix (only its keys are ever deleted), the `scan` queue and worker, and the app with the
 * webhook intake. `deliver()` signs and posts a payload the way GitHub does.
 */
import { readDirectoryFiles } from '../../src/cli/read-directory-files.js';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import request from 'supertest';
import {
  createGitHubPort,
  startSimulator,
  type GitHubPort,
  type SimulatorOptions,
} from '../../src/github/index.js';
import { createApp, webhookIntakeIdle } from '../../src/http/index.js';
import { silentLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics.js';
import { publishGuideline } from '../../src/publish/index.js';
import {
  createBullmqDriver,
  createMemoryDriver,
  type JobWorker,
  type QueueDriver,
} from '../../src/queue/index.js';
import {
  checksFromDirectory,
  createScanQueue,
  enqueueDeliveryWithin,
  startScanWorker,
  type ScanQueue,
} from '../../src/scans/index.js';
import { deletePrefixKeys } from '../../src/jobs/index.js';
import { upsertRepository } from '../../src/store/index.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { githubConfig } from '../github/start-port.js';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const SECRET = 'webhook-secret-for-tests';
export const ORG = 'acme';
const TOKEN = 'ghs_scan_test';
const GUIDELINES_DIR = new URL('../../guidelines/', import.meta.url).pathname;
const EXAMPLES = JSON.parse(
  readFileSync(
    new URL(
      '../../node_modules/@octokit/webhooks-examples/api.github.com/index.json',
      import.meta.url,
    ),
    'utf8',
  ),
) as { name: string; examples: Record<string, unknown>[] }[];

/** A webhook payload, edited freely by tests. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- payloads are deep, untyped JSON
export type Payload = Record<string, any>;

/** The real example payloads of one event (deep copies). */
export function examples(event: string): Payload[] {
  const found = EXAMPLES.find((e) => e.name === event);
  if (!found) throw new Error(`no examples for ${event}`);
  return found.examples.map((x) => structuredClone(x) as Payload);
}

/** Every file of a fixture repository (test/fixtures/repos/<name>), path → content. */
export function fixtureFiles(name: string): Record<string, string> {
  return readDirectoryFiles(new URL(`../fixtures/repos/${name}/`, import.meta.url).pathname);
}

export function sign(body: string, secret = SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export { waitUntil } from '../support/wait-until.js';

export interface WorldOptions {
  /** Simulator options (a manual clock, behaviours). */
  sim?: SimulatorOptions;
  /** Point the intake's queue at this Redis (a closed port simulates Redis down). */
  intakeRedisUrl?: string;
  previousSecret?: { secret: string; until: Date };
  publish?: boolean;
  /** Default TEST_QUEUE_DRIVER, else redis. */
  driver?: 'redis' | 'in-process';
}

export async function createWorld(options: WorldOptions = {}) {
  const t: TestDatabase = await createTestDatabase({ max: 8 });
  const sim = await startSimulator(options.sim);
  const installationId = sim.addInstallation(ORG);
  sim.addToken(TOKEN, { login: 'steering[bot]', installationId });
  const github: GitHubPort = createGitHubPort(
    githubConfig(sim.url, { kind: 'token', token: TOKEN }),
    {
      retryBaseDelayMs: 5,
      requestTimeoutMs: 3000,
    },
  );
  if (options.publish !== false) {
    await publishGuideline(t.db, {
      source: readFileSync(join(GUIDELINES_DIR, 'performance.md'), 'utf8'),
      path: 'guidelines/performance.md',
      publisher: 'test',
    });
  }
  const prefix = `steering-test-${randomBytes(5).toString('hex')}`;
  const driverKind =
    options.driver ?? (process.env.TEST_QUEUE_DRIVER === 'in-process' ? 'in-process' : 'redis');
  const driver: QueueDriver =
    driverKind === 'redis' ? createBullmqDriver({ url: REDIS_URL, prefix }) : createMemoryDriver();
  const queue: ScanQueue = createScanQueue(driver);
  // A closed port for the intake simulates Redis down while the workers' Redis is up.
  const intakeDriver = options.intakeRedisUrl
    ? createBullmqDriver({ url: options.intakeRedisUrl, prefix })
    : driver;
  const intakeQueue: ScanQueue = createScanQueue(intakeDriver, { failFast: true });
  intakeQueue.on('error', () => undefined);
  const checks = checksFromDirectory(GUIDELINES_DIR);
  const workers = new Set<JobWorker>();
  const app = createApp({
    db: t.db,
    logger: silentLogger,
    metrics: createMetrics({ processMetrics: false }),
    webhooks: {
      secret: SECRET,
      previousSecret: options.previousSecret,
      enqueue: (id) => enqueueDeliveryWithin(intakeQueue, id, 300),
    },
  });

  const world = {
    db: t.db,
    sim,
    github,
    queue,
    prefix,
    installationId,
    checks,
    app,
    /** Seeds a repository in the simulator and registers it; returns its id and head. */
    async addRepo(name: string, files: Record<string, string>) {
      const repo = sim.addRepo({ owner: ORG, name, files });
      await upsertRepository(t.db, {
        id: repo.id,
        owner: ORG,
        name,
        defaultBranch: repo.defaultBranch,
        archived: false,
        fork: false,
        topics: [],
        installationId,
      });
      return { id: repo.id, head: sim.branchHead(ORG, name, repo.defaultBranch)! };
    },
    /** The real push example, retargeted at a simulator repository. */
    pushPayload(name: string, before: string, after: string, changed: string[] = ['README.md']) {
      const repo = sim.getRepo(ORG, name);
      const p = examples('push').find((x) => x.ref === 'refs/heads/master')!;
      p.ref = `refs/heads/${repo.defaultBranch}`;
      p.before = before;
      p.after = after;
      p.repository.id = repo.id;
      p.repository.name = name;
      p.repository.full_name = `${ORG}/${name}`;
      p.repository.owner.login = ORG;
      p.repository.owner.name = ORG;
      p.repository.default_branch = repo.defaultBranch;
      p.repository.master_branch = repo.defaultBranch;
      p.installation = { id: installationId, node_id: 'x' };
      p.commits = [{ ...p.commits[0], id: after, added: [], removed: [], modified: changed }];
      p.head_commit = p.commits[0];
      return p;
    },
    /** Signs and posts like GitHub. */
    deliver(
      event: string,
      payload: unknown,
      o: { id?: string; secret?: string; contentType?: string; raw?: string } = {},
    ) {
      const body = o.raw ?? JSON.stringify(payload);
      return request(app)
        .post('/webhooks/github')
        .set('content-type', o.contentType ?? 'application/json')
        .set('x-github-event', event)
        .set('x-github-delivery', o.id ?? randomUUID())
        .set('x-hub-signature-256', sign(body, o.secret))
        .send(body);
    },
    startWorker() {
      const w = startScanWorker({
        db: t.db,
        github,
        queue,
        checks,
        driver,
        rescanMaxAgeHours: 24,
        logger: silentLogger,
        reconcileGraceMs: 0,
      });
      workers.add(w);
      return w;
    },
    async count(sql: string, params: unknown[] = []): Promise<number> {
      const r = await t.db.query<{ n: string }>(`SELECT count(*) AS n FROM ${sql}`, params);
      return Number(r.rows[0]!.n);
    },
    async close() {
      await webhookIntakeIdle(app); // as serve does: the queue is fed after the answers
      for (const w of workers) await w.close();
      await intakeQueue.close().catch(() => undefined);
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      await driver.close();
      if (intakeDriver !== driver) await intakeDriver.close();
      const redis = new Redis(REDIS_URL);
      await deletePrefixKeys(redis, prefix);
      redis.disconnect();
      await sim.close();
      await t.drop();
    },
  };
  return world;
}
export type World = Awaited<ReturnType<typeof createWorld>>;
