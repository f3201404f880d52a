/**
 * BullMQ and ioredis, loaded on first use: a process on the in-process queues (no REDIS_URL)
 * never loads them (about 1.9 MB of modules, with luxon, cron-parser and msgpackr under BullMQ).
 * Only their types are imported statically; the values come from here.
 */
import { createRequire } from 'node:module';
import type * as Bullmq from 'bullmq';
import type * as Ioredis from 'ioredis';

const require = createRequire(import.meta.url);
let bullmq: typeof Bullmq | undefined;
let ioredis: typeof Ioredis | undefined;

export function loadBullmq(): typeof Bullmq {
  bullmq ??= require('bullmq') as typeof Bullmq;
  return bullmq;
}

export function loadIoredis(): typeof Ioredis {
  ioredis ??= require('ioredis') as typeof Ioredis;
  return ioredis;
}
