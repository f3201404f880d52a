/**
 * The pino root logger. Components take children (`logger.child({ component: 'http' })`).
 * Secrets are redacted by path; payload bodies are never passed to the logger. On a terminal the
 * lines are pretty-printed (pino-pretty, loaded only then); otherwise one JSON object per line.
 */
import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

const REDACT = [
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'req.headers["x-hub-signature-256"]',
  'privateKey',
  '*.privateKey',
  'secret',
  '*.secret',
  'password',
  '*.password',
];

export function createLogger(
  options: { level?: string; destination?: NodeJS.WritableStream; pretty?: boolean } = {},
): Logger {
  const opts: LoggerOptions = {
    level: options.level ?? 'info',
    base: { service: 'steering' },
    redact: { paths: REDACT, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (options.destination) return pino(opts, options.destination);
  if (options.pretty ?? process.stdout.isTTY) {
    return pino({
      ...opts,
      transport: {
        target: 'pino-pretty',
        options: {
          colorize: true,
          translateTime: 'SYS:HH:MM:ss.l',
          ignore: 'pid,hostname,service',
        },
      },
    });
  }
  return pino(opts);
}

/** A logger that writes nothing, for tests and pure helpers that accept an optional logger. */
export const silentLogger: Logger = pino({ level: 'silent' });
