/**
 * `POST /webhooks/github`: verify, record, enqueue, answer 202. Never calls GitHub.
 * 1. `X-Hub-Signature-256` is verified on the raw body with @octokit/webhooks (the previous
 *    secret is accepted until its `until`, for rotation). Missing or invalid → 401, nothing stored.
 * 2. Only `application/json` (415), well-formed JSON (400), with event and delivery headers (400).
 * 3. Events and actions steering has nothing to do for → 202 `ignored`, not stored.
 * 4. The delivery is recorded (outbox, unique `X-GitHub-Delivery`: a redelivery → 202
 *    `duplicate`), then enqueued; `enqueued_at` is set only when the queue accepted it. When Redis
 *    is unreachable the answer is still 202 `recorded`, and the reconcile job enqueues it later.
 */
import express, { type Router } from 'express';
import { Webhooks } from '@octokit/webhooks';
import { SteeringError } from '../../errors.js';
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

export type WebhookAnswer =
  | { delivery: string; status: 'queued' | 'recorded' | 'duplicate' }
  | { delivery: string | null; status: 'ignored'; reason: string };

export function webhookRouter(options: WebhookIntakeOptions): Router {
  const logger = (options.logger ?? silentLogger).child({ component: 'webhooks' });
  const current = new Webhooks({ secret: options.secret });
  const previous = options.previousSecret
    ? {
        hooks: new Webhooks({ secret: options.previousSecret.secret }),
        until: options.previousSecret.until,
      }
    : undefined;
  const now = options.now ?? (() => new Date());

  async function verified(raw: string, signature: string): Promise<boolean> {
    if (!raw) return false;
    if (await current.verify(raw, signature)) return true;
    if (previous && now() < previous.until && (await previous.hooks.verify(raw, signature))) {
      logger.info('delivery signed with the previous webhook secret');
      return true;
    }
    return false;
  }

  const router = express.Router();
  router.post(
    WEBHOOK_PATH,
    express.raw({ type: () => true, limit: options.bodyLimit ?? '25mb' }),
    async (req, res) => {
      const signature = req.get('x-hub-signature-256');
      if (!signature) throw new SteeringError('UNAUTHENTICATED', 'missing X-Hub-Signature-256');
      const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
      if (!(await verified(raw, signature)))
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
    },
  );
  return router;
}
