/**
 * The pino root logger. Components take children (`logger.child({ component: 'http' })`).
 * Secrets are redacted by path; payload bodies are never passed to the logger.
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
  options: { level?: string; destination?: NodeJS.WritableStream } = {},
): Logger {
  const opts: LoggerOptions = {
    level: options.level ?? 'info',
    base: { service: 'steering' },
    redact: { paths: REDACT, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return options.destination ? pino(opts, options.destination) : pino(opts);
}

/** A logger that writes nothing, for tests and pure helpers that accept an optional logger. */
export const silentLogger: Logger = pino({ level: 'silent' });
