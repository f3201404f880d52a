/**
 * Webhook deliveries from the simulator, signed as GitHub signs them (`X-Hub-Signature-256`:
 * HMAC-SHA256 of the raw body), with `X-GitHub-Event` and a unique `X-GitHub-Delivery`. Off until
 * `configure({ url, secret })`. Deliveries run in the background; `flush()` waits for them.
 */
import { createHmac, randomUUID } from 'node:crypto';

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
  /** HTTP status steering answered, or 0 when the delivery failed to connect. */
  status: number;
}

export class WebhookSender {
  private target: WebhookTarget | undefined;
  private pending = new Set<Promise<void>>();
  readonly deliveries: Delivery[] = [];

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
    };
    this.deliveries.push(delivery);
    const p = fetch(target.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'GitHub-Hookshot/simulator',
        'x-github-event': event,
        'x-github-delivery': delivery.id,
        'x-hub-signature-256': `sha256=${createHmac('sha256', target.secret).update(body).digest('hex')}`,
      },
      body,
    })
      .then(async (res) => {
        delivery.status = res.status;
        await res.arrayBuffer();
      })
      .catch(() => undefined)
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  /** Resolves when every delivery sent so far has been answered (or failed). */
  async flush(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }
}
