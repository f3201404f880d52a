/**
 * `POST /webhooks/github`: verify, record, enqueue, answer 202. Never calls GitHub.
 * 0. Before a byte of the body is read: a missing or malformed `X-Hub-Signature-256` → 401, a
 *    declared `Content-Length` over the limit → 413. An unsigned flood costs no memory.
 * 1. `X-Hub-Signature-256` is verified as an HMAC over the raw bytes, in constant time (the
 *    previous secret is accepted until its `until`, for rotation). Invalid → 401, nothing stored.
 * 2. Only `application/json` (415), UTF-8 (400 naming the byte offset of the first invalid byte),
 *    well-formed JSON (400), with event and delivery headers (400).
 * 3. Events and actions steering has nothing to do for → 202 `ignored`, not stored.
 * 4. The delivery is recorded (outbox, unique `X-GitHub-Delivery`: a redelivery → 202
 *    `duplicate`), then enqueued; `enqueued_at` is set only when the queue accepted it. When Redis
 *    is unreachable the answer is still 202 `recorded`, and the reconcile job enqueues it later.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import express, { type RequestHandler, type Router } from 'express';
import { SteeringError } from '../../errors.js';
import { decodeUtf8 } from '../decode-utf8.js';
import { silentLogger, type Logger } from '../../log.js';
import { markDeliveriesEnqueued, recordDelivery, type Db } from '../../store/index.js';
import { classifyDelivery, repositoryIdOf } from '../../scans/index.js';

export interface WebhookIntakeOptions {
  db: Db;
  /** config.github.webhookSecret */
  secret: string;
  /** config.github.previousWebhookSecret: accepted until `until`. */
  previousSecret?: { secret: string; until: Date } | undefined;
  /** Enqueue the recorded delivery; resolves false (never hangs) when the queue is unreachable. */
  enqueue(deliveryId: string): Promise<boolean>;
  logger?: Logger;
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
  | { delivery: string; status: 'queued' | 'recorded' | 'duplicate' }
  | { delivery: string | null; status: 'ignored'; reason: string };

export function webhookRouter(options: WebhookIntakeOptions): Router {
  const logger = (options.logger ?? silentLogger).child({ component: 'webhooks' });
  const previous = options.previousSecret;
  const now = options.now ?? (() => new Date());
  const limit = options.bodyLimit ?? '25mb';
  const maxBytes = parseByteLimit(limit);

  function verified(raw: Buffer, signature: string): boolean {
    if (!raw.length) return false;
    if (signatureMatches(options.secret, raw, signature)) return true;
    if (previous && now() < previous.until && signatureMatches(previous.secret, raw, signature)) {
      logger.info('delivery signed with the previous webhook secret');
      return true;
    }
    return false;
  }

  /** Step 0: refuse what cannot be a GitHub delivery before reading its body. */
  const screen: RequestHandler = (req, _res, next) => {
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

  const router = express.Router();
  router.post(WEBHOOK_PATH, screen, express.raw({ type: () => true, limit }), async (req, res) => {
    const signature = req.get('x-hub-signature-256')!;
    const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!verified(bytes, signature))
      throw new SteeringError('UNAUTHENTICATED', 'invalid X-Hub-Signature-256');
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

    const answer = (status: number, body: WebhookAnswer) => res.status(status).json(body);
    const intent = classifyDelivery(event, payload);
    if (intent.kind === 'ignore')
      return answer(202, { delivery, status: 'ignored', reason: intent.reason });
    const action = (payload as { action?: unknown }).action;
    const fresh = await recordDelivery(options.db, {
      id: delivery,
      event,
      action: typeof action === 'string' ? action : null,
      repositoryId: repositoryIdOf(payload),
      rawPayload: raw,
    });
    if (!fresh) return answer(202, { delivery, status: 'duplicate' });
    const enqueued = await options.enqueue(delivery);
    if (enqueued) await markDeliveriesEnqueued(options.db, [delivery]);
    else
      logger.warn(
        { delivery, event },
        'delivery recorded, queue unreachable: reconcile will enqueue it',
      );
    return answer(202, { delivery, status: enqueued ? 'queued' : 'recorded' });
  });
  return router;
}
