/**
 * Deletes every Redis key under `<prefix>:` (the demo's queues, a test's queues), with SCAN so a
 * large keyspace is never blocked by KEYS. Returns how many keys were deleted.
 */
import type { Redis } from 'ioredis';

export async function deletePrefixKeys(redis: Redis, prefix: string): Promise<number> {
  let deleted = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    cursor = next;
    if (keys.length) deleted += await redis.del(...keys);
  } while (cursor !== '0');
  return deleted;
}
