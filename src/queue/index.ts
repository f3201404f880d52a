/**
 * The queue room: one interface (JobQueue, JobWorker, QueueDriver), two drivers: in-process (no
 * Redis; the embedded default) and BullMQ on Redis (scale-out).
 */
export * from './types.js';
export { createMemoryDriver } from './create-memory-driver.js';
export { createBullmqDriver, redactUrl, type BullmqDriverOptions } from './create-bullmq-driver.js';
export { createQueueDriver } from './create-queue-driver.js';
export { loadBullmq, loadIoredis } from './load-bullmq.js';
export { isConnectionError, watchRedis, type RedisWatch } from './watch-redis.js';
