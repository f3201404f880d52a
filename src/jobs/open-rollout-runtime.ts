/**
 * What rollout commands and processes share, built once from the config: the GitHub port (with
 * the Redis write limiter shared by every worker process), the BullMQ connection and the
 * `distribute` queue under `config.redis.prefix`, and the selectors. `close()` releases it all.
 */
import { Redis } from 'ioredis';
import type { Config } from '../config.js';
import { createGitHubPort, createWriteLimiter, type GitHubPort } from '../github/index.js';
import { silentLogger, type Logger } from '../log.js';
import type { RepositorySelectors } from '../fleet/index.js';
import { createDistributeQueue, type DistributeQueue } from './distribute-queue.js';

export interface RolloutRuntime {
  github: GitHubPort;
  queue: DistributeQueue;
  connection: { url: string; maxRetriesPerRequest: null };
  prefix: string;
  selectors: RepositorySelectors;
  close(): Promise<void>;
}

export function openRolloutRuntime(
  config: Pick<Config, 'github' | 'redis' | 'rollout'>,
  options: { logger?: Logger } = {},
): RolloutRuntime {
  const logger = options.logger ?? silentLogger;
  const redis = new Redis(config.redis.url, { maxRetriesPerRequest: null });
  redis.on('error', (err: Error) => logger.warn({ err }, 'redis error'));
  const writeLimiter = createWriteLimiter({
    redis,
    prefix: config.redis.prefix,
    writeIntervalMs: config.rollout.writeIntervalMs,
    writesPerMinute: config.rollout.writesPerMinute,
    writesPerHour: config.rollout.writesPerHour,
  });
  const connection = { url: config.redis.url, maxRetriesPerRequest: null };
  const queue = createDistributeQueue({ connection, prefix: config.redis.prefix });
  return {
    github: createGitHubPort(config, { logger, writeLimiter }),
    queue,
    connection,
    prefix: config.redis.prefix,
    selectors: config.rollout,
    async close() {
      await queue.close();
      redis.disconnect();
    },
  };
}
