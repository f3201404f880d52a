/**
 * Watches one Redis and says when it is lost and when it is back, once each: the queues' own
 * connections retry silently (their connection errors are not logged, see `isConnectionError`),
 * so an outage costs two log lines, not a flood. Handlers registered with `onRecovery` run each
 * time Redis answers again after being unreachable (a restart may have emptied it: schedules are
 * registered again there). The watch's own connection answers `ping` (readiness) and fails fast
 * while Redis is down.
 */
import type { Redis } from 'ioredis';
import { silentLogger, type Logger } from '../log.js';
import { loadIoredis } from './load-bullmq.js';

export interface RedisWatchOptions {
  logger?: Logger;
  /** For the log lines, without a password. */
  description?: string;
  /** Limit on one command's round trip, ms. Default 5000. */
  commandTimeoutMs?: number;
  /** Limit on establishing the connection, ms. Default 5000. */
  connectTimeoutMs?: number;
  /** Longest pause between reconnection attempts, ms. Default 2000. */
  maxRetryDelayMs?: number;
}

export interface RedisWatch {
  /** True while the last connection attempt succeeded. */
  readonly up: boolean;
  /** `fn` runs whenever Redis answers again after an outage (including one at start). */
  onRecovery(fn: () => Promise<unknown> | void): void;
  ping(): Promise<unknown>;
  close(): void;
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/** A lost or refused connection (the watch reports it), as opposed to an error worth a log line. */
export function isConnectionError(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | undefined;
  if (typeof e?.code === 'string' && CONNECTION_CODES.has(e.code)) return true;
  const m = typeof e?.message === 'string' ? e.message : '';
  return /Connection is closed|connect ETIMEDOUT|Stream isn't writeable|max retries per request|Command timed out|enableOfflineQueue/i.test(
    m,
  );
}

export function watchRedis(url: string, options: RedisWatchOptions = {}): RedisWatch {
  const log = (options.logger ?? silentLogger).child({ component: 'redis' });
  const where = options.description ?? 'Redis';
  const maxDelay = options.maxRetryDelayMs ?? 2000;
  const handlers: Array<() => Promise<unknown> | void> = [];
  let up = false;
  let downSince: number | undefined = Date.now();
  let reported = false;
  const client: Redis = new (loadIoredis().Redis)(url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: options.connectTimeoutMs ?? 5000,
    commandTimeout: options.commandTimeoutMs ?? 5000,
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 10), maxDelay),
  });
  client.on('ready', () => {
    up = true;
    if (reported)
      log.info({ downMs: Date.now() - (downSince ?? Date.now()) }, `${where} answers again`);
    reported = false;
    downSince = undefined;
    for (const fn of handlers) {
      void Promise.resolve()
        .then(fn)
        .catch((err: unknown) =>
          log.warn({ err }, 'could not restore state after Redis came back'),
        );
    }
  });
  let closing = false;
  const lost = (err?: Error) => {
    up = false;
    if (closing) return; // its own close at shutdown is no outage
    downSince ??= Date.now();
    if (reported) return;
    reported = true;
    log.warn(
      { err },
      `${where} is unreachable: the API keeps answering (/ready says so), jobs wait, the queues reconnect on their own`,
    );
  };
  client.on('error', (err: Error) => lost(err));
  client.on('close', () => {
    if (up) lost();
  });
  return {
    get up() {
      return up;
    },
    onRecovery(fn) {
      handlers.push(fn);
      if (up)
        void Promise.resolve()
          .then(fn)
          .catch(() => undefined);
    },
    ping: () => client.ping(),
    close: () => {
      closing = true;
      client.disconnect();
    },
  };
}
