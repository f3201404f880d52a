/**
 * What rollout commands and processes share, built once from the config: the GitHub port (with
 * the write limiter: in Redis, shared by every worker process, or in-process without Redis), the
 * `distribute` queue of the queue driver, and the selectors. `close()` releases what it opened.
 */
import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import {
  createGitHubPort,
  createMemoryWriteLimiter,
  createWriteLimiter,
  type GitHubPort,
} from '../github/index.js';
import { silentLogger, type Logger } from '../log.js';
import type { RepositorySelectors } from '../fleet/index.js';
import {
  createQueueDriver,
  isConnectionError,
  loadIoredis,
  type QueueDriver,
} from '../queue/index.js';
import { createDistributeQueue, type DistributeQueue } from './distribute-queue.js';

export interface RolloutRuntime {
  github: GitHubPort;
  queue: DistributeQueue;
  driver: QueueDriver;
  selectors: RepositorySelectors;
  close(): Promise<void>;
}

export function openRolloutRuntime(
  config: Pick<Config, 'github' | 'redis' | 'rollout'> & Partial<Pick<Config, 'resilience'>>,
  options: { logger?: Logger; driver?: QueueDriver } = {},
): RolloutRuntime {
  const logger = options.logger ?? silentLogger;
  const limits = {
    writeIntervalMs: config.rollout.writeIntervalMs,
    writesPerMinute: config.rollout.writesPerMinute,
    writesPerHour: config.rollout.writesPerHour,
    notificationsPerMinute: config.rollout.notificationsPerMinute,
  };
  let redis: Redis | undefined;
  if (config.redis.url) {
    redis = new (loadIoredis().Redis)(config.redis.url, {
      maxRetriesPerRequest: null,
      connectTimeout: config.redis.connectTimeoutMs ?? 5000,
    });
    // An outage is logged once by the queue driver's watch; only other errors are worth a line.
    redis.on('error', (err: Error) => {
      if (!isConnectionError(err)) logger.warn({ err }, 'redis error (write limiter)');
    });
  }
  const writeLimiter = redis
    ? createWriteLimiter({ redis, prefix: config.redis.prefix, ...limits })
    : createMemoryWriteLimiter(limits);
  const driver = options.driver ?? createQueueDriver(config, logger);
  const queue = createDistributeQueue(driver);
  return {
    github: createGitHubPort(config, {
      logger,
      writeLimiter,
      ...(config.resilience ? { requestTimeoutMs: config.resilience.githubRequestTimeoutMs } : {}),
    }),
    queue,
    driver,
    selectors: config.rollout,
    async close() {
      if (!options.driver) await driver.close();
      redis?.disconnect();
    },
  };
}
