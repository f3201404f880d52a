/**
 * What rollout commands and processes share, built once from the config: the GitHub port (with
 * the write limiter: in Redis, shared by every worker process, or in-process without Redis), the
 * `distribute` queue of the queue driver, and the selectors. `close()` releases what it opened.
 */
import { Redis } from 'ioredis';
import type { Config } from '../config.js';
import {
  createGitHubPort,
  createMemoryWriteLimiter,
  createWriteLimiter,
  type GitHubPort,
} from '../github/index.js';
import { silentLogger, type Logger } from '../log.js';
import type { RepositorySelectors } from '../fleet/index.js';
import { createQueueDriver, type QueueDriver } from '../queue/index.js';
import { createDistributeQueue, type DistributeQueue } from './distribute-queue.js';

export interface RolloutRuntime {
  github: GitHubPort;
  queue: DistributeQueue;
  driver: QueueDriver;
  selectors: RepositorySelectors;
  close(): Promise<void>;
}

export function openRolloutRuntime(
  config: Pick<Config, 'github' | 'redis' | 'rollout'>,
  options: { logger?: Logger; driver?: QueueDriver } = {},
): RolloutRuntime {
  const logger = options.logger ?? silentLogger;
  const limits = {
    writeIntervalMs: config.rollout.writeIntervalMs,
    writesPerMinute: config.rollout.writesPerMinute,
    writesPerHour: config.rollout.writesPerHour,
  };
  let redis: Redis | undefined;
  if (config.redis.url) {
    redis = new Redis(config.redis.url, { maxRetriesPerRequest: null });
    redis.on('error', (err: Error) => logger.warn({ err }, 'redis error'));
  }
  const writeLimiter = redis
    ? createWriteLimiter({ redis, prefix: config.redis.prefix, ...limits })
    : createMemoryWriteLimiter(limits);
  const driver = options.driver ?? createQueueDriver(config);
  const queue = createDistributeQueue(driver);
  return {
    github: createGitHubPort(config, { logger, writeLimiter }),
    queue,
    driver,
    selectors: config.rollout,
    async close() {
      if (!options.driver) await driver.close();
      redis?.disconnect();
    },
  };
}
