/**
 * Picks the queue driver from the configuration: BullMQ when REDIS_URL is set (scale-out), the
 * in-process driver otherwise (the embedded default, no services).
 */
import type { Config } from '../config.js';
import { createBullmqDriver } from './create-bullmq-driver.js';
import { createMemoryDriver } from './create-memory-driver.js';
import type { QueueDriver } from './types.js';

export function createQueueDriver(config: Pick<Config, 'redis'>): QueueDriver {
  return config.redis.url
    ? createBullmqDriver({ url: config.redis.url, prefix: config.redis.prefix })
    : createMemoryDriver();
}
