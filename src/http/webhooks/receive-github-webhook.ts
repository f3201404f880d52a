/**
 * `POST /webhooks/github`: verify, record, answer 202, then enqueue. Never calls GitHub.
 * 0. Before a byte of the body is read: a missing or malformed `X-Hub-Signature-256` → 401, a
 *    declared `Content-Length` over the limit → 413. An unsigned flood costs no memory.
 * 1. `X-Hub-Signature-256` is verified as an HMAC over the raw bytes, in constant time (the
 *    previous secret is accepted until its `until`, for rotation). Invalid → 401, nothing stored.
 * 2. Only `application/json` (415), UTF-8 (400 naming the byte offset of the first invalid byte),
 *    well-formed JSON (400), with event and delivery headers (400).
 * 3. Events and actions steering has nothing to do for → 202 `ignored`, not stored.
 * 4. The delivery is recorded (outbox, unique `X-GitHub-Delivery`: a redelivery → 202
 *    `duplicate`) by group commit (`create-delivery-recorder.ts`): deliveries arriving while every
 *    INSERT slot is busy share the next INSERT, so under load one transaction and one WAL flush
 *    serve many, and a lone delivery waits for nothing. The answer, 202 `recorded`, is sent as
 *    soon as the row is committed: a 202 means durably recorded and to be processed once. The
 *    queue is fed from committed rows after the answer (a batch in one call, job id = delivery
 *    id), their `enqueued_at` marker riding on the next batch's INSERT; a row the queue did not
 *    take (Redis unreachable, the process stopped first) is enqueued by the reconcile job.
 *    A 202 is never sent before the row is committed.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import express, { type Request, type RequestHandler, type Router } from 'express';
import { SteeringError } from '../../errors.js';
import { decodeUtf8 } from '../decode-utf8.js';
import { silentLogger, type Logger } from '../../log.js';
import type { Db } from '../../store/index.js';
import {
  createDeliveryRecorder,
  type DeliveryRecorderOptions,
} from './create-delivery-recorder.js';
import { classifyDelivery, repositoryIdOf } from '../../scans/index.js';

export interface WebhookIntakeOptions {
  db: Db;
  /** config.github.webhookSecret */
  secret: string;
  /** config.github.previousWebhookSecret: accepted until `until`. */
  previousSecret?: { secret: string; until: Date } | undefined;
  /** Enqueue the recorded delivery; resolves false (never hangs) when the queue is unreachable. */
  enqueue(deliveryId: string): Promise<boolean>;
  /**
   * Enqueue a committed batch in one round trip; resolves to the ids the queue accepted (none,
   * never hanging, when it is unreachable). Without it, `enqueue` is called once per delivery.
   */
  enqueueMany?(deliveryIds: readonly string[]): Promise<ReadonlySet<string>>;
  logger?: Logger;
  /** Group commit limits (`create-delivery-recorder.ts`); the defaults are the measured ones. */
  recorder?: Pick<DeliveryRecorderOptions, 'maxBatch' | 'maxInFlight' | 'feedWindowMs'>;
  /** GitHub caps payloads at 25 MB. Default '25mb'. */
  bodyLimit?: string;
  now?: () => Date;
}

export const WEBHOOK_PATH = '/webhooks/github';
const DELIVERY_ID = /^[A-Za-z0-9-]{1,100}$/;
const EVENT = /^[a-z_]{1,64}$/;
const SIGNATURE = /^sha256=[0-9a-f]{64}$/;
const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** '25mb' → bytes (the same notation as body-parser's `limit`). */
function parseByteLimit(limit: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(limit.trim());
  if (!m) throw new TypeError(`invalid body limit ${JSON.stringify(limit)}`);
  return Math.floor(Number(m[1]) * UNITS[(m[2] ?? 'b').toLowerCase()]!);
}

/** The HMAC-SHA256 of the raw bytes, compared in constant time with the header's hex digest. */
function signatureMatches(secret: string, raw: Buffer, header: string): boolean {
  const expected = createHmac('sha256', secret).update(raw).digest();
  const given = Buffer.from(header.slice('sha256='.length), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export type WebhookAnswer =
  | { delivery: string; status: 'recorded' | 'duplicate' }
  | { delivery: string | null; status: 'ignored'; reason: string };

/** Steps 0–1: a signature check over the raw bytes, with the previous secret during rotation. */
function createVerifier(options: WebhookIntakeOptions, logger: Logger) {
  const previous = options.previousSecret;
  const now = options.now ?? (() => new Date());
  return (raw: Buffer, signature: string): boolean => {
    if (!raw.length) return false;
    if (signatureMatches(options.secret, raw, signature)) return true;
    if (previous && now() < previous.until && signatureMatches(previous.secret, raw, signature)) {
      logger.info('delivery signed with the previous webhook secret');
      return true;
    }
    return false;
  };
}

/** Step 0: refuse what cannot be a GitHub delivery before reading its body. */
function screenRequest(limit: string): RequestHandler {
  const maxBytes = parseByteLimit(limit);
  return (req, _res, next) => {
    const signature = req.get('x-hub-signature-256');
    if (!signature) throw new SteeringError('UNAUTHENTICATED', 'missing X-Hub-Signature-256');
    if (!SIGNATURE.test(signature))
      throw new SteeringError(
        'UNAUTHENTICATED',
        'malformed X-Hub-Signature-256: expected sha256= and 64 hex digits',
      );
    const declared = Number(req.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > maxBytes)
      throw new SteeringError(
        'PAYLOAD_TOO_LARGE',
        `the delivery declares ${declared} bytes; the limit is ${limit}`,
      );
    next();
  };
}

/** Step 2: the media type, headers and body of a verified delivery. */
function parseDelivery(req: Request, bytes: Buffer) {
  if (!req.is('application/json'))
    throw new SteeringError(
      'UNSUPPORTED_MEDIA_TYPE',
      `send the payload as application/json (got ${req.get('content-type') ?? 'none'})`,
    );
  const event = req.get('x-github-event') ?? '';
  const delivery = req.get('x-github-delivery') ?? '';
  if (!EVENT.test(event))
    throw new SteeringError('INVALID_INPUT', 'missing or invalid X-GitHub-Event');
  if (!DELIVERY_ID.test(delivery))
    throw new SteeringError('INVALID_INPUT', 'missing or invalid X-GitHub-Delivery');
  const raw = decodeUtf8(bytes, 'the payload', 'INVALID_INPUT');
  let payload: unknown;
  try {
    payload = JSON.parse(raw);
  } catch {
    throw new SteeringError('INVALID_INPUT', 'the payload is not valid JSON');
  }
  if (!payload || typeof payload !== 'object' || Array.isArray(payload))
    throw new SteeringError('INVALID_INPUT', 'the payload must be a JSON object');
  return { event, delivery, raw, payload };
}

/**
 * The intake's router; `idle()` resolves once every answered delivery was handed to the queue (or
 * left to the reconcile job) and its marker written.
 */
export type WebhookRouter = Router & { idle(): Promise<void> };

export function webhookRouter(options: WebhookIntakeOptions): WebhookRouter {
  const logger = (options.logger ?? silentLogger).child({ component: 'webhooks' });
  const limit = options.bodyLimit ?? '25mb';
  const verified = createVerifier(options, logger);
  const enqueueOneByOne = async (ids: readonly string[]) => {
    const accepted = await Promise.all(ids.map((id) => options.enqueue(id).catch(() => false)));
    return new Set(ids.filter((_, i) => accepted[i]));
  };
  const recorder = createDeliveryRecorder({
    db: options.db,
    enqueue: options.enqueueMany ?? enqueueOneByOne,
    logger,
    ...options.recorder,
  });

  const router = express.Router();
  router.post(
    WEBHOOK_PATH,
    screenRequest(limit),
    express.raw({ type: () => true, limit }),
    async (req, res) => {
      const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (!verified(bytes, req.get('x-hub-signature-256')!))
        throw new SteeringError('UNAUTHENTICATED', 'invalid X-Hub-Signature-256');
      const { event, delivery, raw, payload } = parseDelivery(req, bytes);
      const answer = (body: WebhookAnswer) => res.status(202).json(body);
      const intent = classifyDelivery(event, payload);
      if (intent.kind === 'ignore')
        return answer({ delivery, status: 'ignored', reason: intent.reason });
      const action = (payload as { action?: unknown }).action;
      const status = await recorder.record({
        id: delivery,
        event,
        action: typeof action === 'string' ? action : null,
        repositoryId: repositoryIdOf(payload),
        rawPayload: raw,
      });
      return answer({ delivery, status });
    },
  );
  return Object.assign(router, { idle: () => recorder.idle() });
}
