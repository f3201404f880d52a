/**
 * A rollout test world: a fresh PostgreSQL schema, the GitHub simulator with one organisation
 * (token scoped to its installation), a random Redis prefix (only its keys are ever deleted), the
 * queue driver (BullMQ on Redis, or in-process with `driver` or TEST_QUEUE_DRIVER=in-process),
 * the distribute queue and worker, and helpers to seed, publish and wait.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { syncRepositories, type RepositorySelectors } from '../../src/fleet/index.js';
import {
  createGitHubPort,
  createScaledClock,
  startSimulator,
  type GitHubPort,
  type GitHubPortOptions,
  type SimulatorOptions,
} from '../../src/github/index.js';
import {
  createDistributeQueue,
  createRolloutHook,
  deletePrefixKeys,
  startDistributeWorker,
  type DistributeQueue,
} from '../../src/jobs/index.js';
import { silentLogger } from '../../src/log.js';
import { publishGuideline } from '../../src/publish/index.js';
import {
  createBullmqDriver,
  createMemoryDriver,
  type JobWorker,
  type QueueDriver,
} from '../../src/queue/index.js';
import { getRollout, type RolloutRecord } from '../../src/store/index.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { waitUntil } from '../support/wait-until.js';
import { githubConfig } from '../github/start-port.js';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const PERFORMANCE = readFileSync(
  new URL('../../guidelines/performance.md', import.meta.url),
  'utf8',
);
export const TIGHTENED = PERFORMANCE.replace('- Health checks: < 50ms', '- Health checks: < 20ms');
export const ORG = 'acme';
const TOKEN = 'ghs_rollout_test';

export const SELECTORS: RepositorySelectors = {
  orgs: [],
  topicsInclude: [],
  topicsExclude: [],
  canaryRepos: [],
};

export interface WorldOptions {
  sim?: SimulatorOptions;
  port?: GitHubPortOptions;
  selectors?: Partial<RepositorySelectors>;
  driver?: 'redis' | 'in-process';
}

/** The queue driver the job tests run on unless a test names one (TEST_QUEUE_DRIVER). */
export const TEST_DRIVER: 'redis' | 'in-process' =
  process.env.TEST_QUEUE_DRIVER === 'in-process' ? 'in-process' : 'redis';

export async function createWorld(options: WorldOptions = {}) {
  const t: TestDatabase = await createTestDatabase({ max: 8 });
  // GitHub's secondary limits are on: four simulated minutes pass in one real second, for the
  // simulator and the port alike, so a 50-repository rollout meets them without waiting minutes.
  const clock = options.sim?.clock ?? createScaledClock({ factor: 240 });
  const sim = await startSimulator({ clock, ...options.sim });
  const installationId = sim.addInstallation(ORG);
  sim.addToken(TOKEN, { login: 'steering[bot]', installationId });
  const github: GitHubPort = createGitHubPort(
    githubConfig(sim.url, { kind: 'token', token: TOKEN }),
    {
      clock,
      retryBaseDelayMs: 5,
      requestTimeoutMs: 3000,
      // GitHub: without retry-after, wait at least a minute (a quarter of a real second here).
      rateLimitBaseDelayMs: 60_000,
      maxRateLimitRetries: 10,
      ...options.port,
    },
  );
  const prefix = `steering-test-${randomBytes(5).toString('hex')}`;
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const driverKind = options.driver ?? TEST_DRIVER;
  const driver: QueueDriver =
    driverKind === 'redis' ? createBullmqDriver({ url: REDIS_URL, prefix }) : createMemoryDriver();
  const queue: DistributeQueue = createDistributeQueue(driver);
  const selectors = { ...SELECTORS, ...options.selectors };
  const workers = new Set<JobWorker>();

  const world = {
    db: t.db,
    sim,
    github,
    queue,
    driver,
    redis,
    prefix,
    selectors,
    seed(n: number, extra: (i: number) => Partial<Parameters<typeof sim.addRepo>[0]> = () => ({})) {
      for (let i = 0; i < n; i++)
        sim.addRepo({ owner: ORG, name: `svc-${String(i).padStart(3, '0')}`, ...extra(i) });
    },
    sync: () => syncRepositories(github, t.db, selectors),
    /** Publishes a source and enqueues its rollout; resolves to the rollout id (or null). */
    async publish(source: string): Promise<number | null> {
      const hook = createRolloutHook({ db: t.db, queue, selectors });
      await publishGuideline(
        t.db,
        { source, path: 'guidelines/performance.md', publisher: 'test' },
        {
          onPublished: hook.onPublished,
        },
      );
      return (await hook.flush())[0] ?? null;
    },
    startWorker(extra: { concurrency?: number; github?: GitHubPort; prLabel?: string } = {}) {
      const w = startDistributeWorker({
        db: t.db,
        github: extra.github ?? github,
        queue,
        driver,
        logger: silentLogger,
        concurrency: extra.concurrency ?? 4,
        backoffBaseMs: 50,
        lockDurationMs: 2000,
        stalledIntervalMs: 1000,
        ...(extra.prLabel === undefined ? {} : { prLabel: extra.prLabel }),
      });
      workers.add(w);
      return w;
    },
    async stopWorker(w: JobWorker) {
      workers.delete(w);
      await w.close();
    },
    /** Waits until `done(rollout)` holds. */
    async waitFor(id: number, done: (r: RolloutRecord) => boolean): Promise<RolloutRecord> {
      let last: RolloutRecord | null = null;
      return waitUntil(
        () => `rollout ${id} to settle: ${JSON.stringify(last?.counts)} ${last?.state}`,
        async () => {
          last = await getRollout(t.db, id);
          return last && done(last) ? last : null;
        },
      );
    },
    settled: (id: number) => world.waitFor(id, (r) => r.counts.queued === 0),
    /** Open pull requests with head steering/performance, per repository. */
    openPulls(name: string) {
      return sim
        .listPulls(ORG, name)
        .filter((p) => p.state === 'open' && p.head === 'steering/performance');
    },
    deletePrefixKeys: (): Promise<number> => deletePrefixKeys(redis, prefix),
    async close() {
      for (const w of workers) await w.close();
      await queue.close();
      await driver.close();
      await world.deletePrefixKeys();
      redis.disconnect();
      await sim.close();
      await t.drop();
    },
  };
  return world;
}

export type World = Awaited<ReturnType<typeof createWorld>>;
