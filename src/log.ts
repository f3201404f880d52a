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

/**
 * The one shape of a logged error (`log.warn({ err }, 'what failed')`): its type, message, stable
 * code, HTTP status and stack, and its cause's the same way. Nothing else of the object is copied,
 * so request options, response bodies and headers of library errors never reach the log.
 */
export function serializeError(err: unknown, depth = 0): Record<string, unknown> {
  if (typeof err !== 'object' || err === null) return { message: String(err) };
  const e = err as {
    name?: unknown;
    message?: unknown;
    code?: unknown;
    status?: unknown;
    stack?: unknown;
    cause?: unknown;
  };
  const out: Record<string, unknown> = {
    type: typeof e.name === 'string' ? e.name : (err.constructor?.name ?? 'Error'),
    // An object without a message: its own toString, or `[object Object]`; either names what was thrown.

    message: typeof e.message === 'string' ? e.message : String(err),
  };
  if (typeof e.code === 'string' || typeof e.code === 'number') out.code = e.code;
  if (typeof e.status === 'number') out.status = e.status;
  if (typeof e.stack === 'string') out.stack = e.stack;
  if (e.cause !== undefined && depth < 2) out.cause = serializeError(e.cause, depth + 1);
  return out;
}

export function createLogger(
  options: { level?: string; destination?: NodeJS.WritableStream; pretty?: boolean } = {},
): Logger {
  const opts: LoggerOptions = {
    level: options.level ?? 'info',
    base: { service: 'steering' },
    redact: { paths: REDACT, censor: '[redacted]' },
    serializers: { err: (err: unknown) => serializeError(err) },
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
