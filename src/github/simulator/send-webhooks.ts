/**
 * Webhook deliveries from the simulator, signed as GitHub signs them (`X-Hub-Signature-256`:
 * HMAC-SHA256 of the raw body), with `X-GitHub-Event`, `X-GitHub-Hook-ID`, a unique
 * `X-GitHub-Delivery` and GitHub's `User-Agent`. Off until `configure({ url, secret })`.
 * Deliveries run in the background; `flush()` waits for them.
 *
 * GitHub delivers late, out of order and more than once; so can the simulator: `hold()` keeps
 * deliveries back until `release({ order, duplicate })` sends them (in order, reversed, or
 * each twice with the same delivery id, as a redelivery), and `redeliver(id)` sends one again.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { HookDeliveryLog } from './hook-deliveries.js';
import type { TrafficRecorder } from './record-traffic.js';

export interface WebhookTarget {
  url: string;
  secret: string;
  /** Only these events (e.g. `['pull_request', 'push']`). Default: every event. */
  events?: string[];
}

export interface Delivery {
  id: string;
  event: string;
  action: string | undefined;
  /** HTTP status steering answered, or 0 when the delivery failed to connect (or is held). */
  status: number;
  installationId?: number | null;
  repositoryId?: number | null;
}

interface Pending {
  delivery: Delivery;
  body: string;
  target: WebhookTarget;
}

export class WebhookSender {
  private target: WebhookTarget | undefined;
  private pending = new Set<Promise<void>>();
  private held: Pending[] | undefined;
  private readonly sent = new Map<string, Pending>();
  readonly deliveries: Delivery[] = [];

  constructor(
    private readonly recorder: () => TrafficRecorder | undefined = () => undefined,
    private readonly log?: HookDeliveryLog,
  ) {
    if (log) log.redeliverer = (id) => this.redeliver(id);
  }

  configure(target: WebhookTarget | undefined): void {
    this.target = target;
  }

  emit(event: string, payload: Record<string, unknown>): void {
    const target = this.target;
    if (!target || (target.events && !target.events.includes(event))) return;
    const body = JSON.stringify(payload);
    const delivery: Delivery = {
      id: randomUUID(),
      event,
      action: typeof payload.action === 'string' ? payload.action : undefined,
      status: 0,
      installationId: idOf(payload.installation),
      repositoryId: idOf(payload.repository),
    };
    this.recorder()?.record({ kind: 'delivery', event, payload });
    this.deliveries.push(delivery);
    const item = { delivery, body, target };
    this.sent.set(delivery.id, item);
    if (this.held) this.held.push(item);
    else this.post(item);
  }

  /** Keep every delivery from now on until `release`. */
  hold(): void {
    this.held ??= [];
  }

  /** Send the held deliveries: in order, newest first, and/or each twice (same delivery id). */
  release(options: { order?: 'fifo' | 'reverse'; duplicate?: boolean } = {}): void {
    const held = this.held ?? [];
    this.held = undefined;
    const list = options.order === 'reverse' ? [...held].reverse() : held;
    for (const item of list) {
      this.post(item);
      if (options.duplicate) this.post(item, true);
    }
  }

  /** Send an earlier delivery again with the same `X-GitHub-Delivery`, as GitHub's redeliver. */
  redeliver(id: string): void {
    const item = this.sent.get(id);
    if (!item) throw new Error(`simulator: no delivery ${id}`);
    this.post(item, true);
  }

  private post({ delivery, body, target }: Pending, redelivery = false): void {
    const started = Date.now();
    const logAttempt = (statusCode: number) =>
      this.log?.record({
        guid: delivery.id,
        deliveredAt: started,
        redelivery,
        durationMs: Date.now() - started,
        statusCode,
        event: delivery.event,
        action: delivery.action ?? null,
        installationId: delivery.installationId ?? null,
        repositoryId: delivery.repositoryId ?? null,
      });
    const p = fetch(target.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'GitHub-Hookshot/simulator',
        'x-github-event': delivery.event,
        'x-github-delivery': delivery.id,
        'x-github-hook-id': '1',
        'x-github-hook-installation-target-type': 'integration',
        'x-hub-signature-256': `sha256=${createHmac('sha256', target.secret).update(body).digest('hex')}`,
      },
      body,
    })
      .then(async (res) => {
        delivery.status = res.status;
        logAttempt(res.status);
        await res.arrayBuffer();
      })
      .catch(() => {
        if (delivery.status === 0) logAttempt(0);
      })
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  /** Resolves when every delivery sent so far has been answered (or failed). */
  async flush(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }
}

function idOf(v: unknown): number | null {
  const id = (v as { id?: unknown } | null | undefined)?.id;
  return typeof id === 'number' ? id : null;
}
