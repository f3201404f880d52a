/**
 * Picks the queue driver from the configuration: BullMQ when REDIS_URL is set (scale-out), the
 * in-process driver otherwise (the embedded default, no services).
 */
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { createBullmqDriver } from './create-bullmq-driver.js';
import { createMemoryDriver } from './create-memory-driver.js';
import type { QueueDriver } from './types.js';

export function createQueueDriver(
  config: Pick<Config, 'redis'> & Partial<Pick<Config, 'resilience'>>,
  logger?: Logger,
): QueueDriver {
  const r = config.redis;
  const jobTimeoutMs = config.resilience?.jobTimeoutMs;
  return r.url
    ? createBullmqDriver({
        url: r.url,
        prefix: r.prefix,
        commandTimeoutMs: r.commandTimeoutMs,
        connectTimeoutMs: r.connectTimeoutMs,
        jobTimeoutMs,
        ...(logger ? { logger } : {}),
      })
    : createMemoryDriver({ jobTimeoutMs });
}
