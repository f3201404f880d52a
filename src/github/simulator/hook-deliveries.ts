/**
 * The App webhook's delivery log, as GitHub keeps it: one entry per attempt (a redelivery is a new
 * entry with the same `guid` and `redelivery: true`), newest first, listed with a cursor
 * (`GET /app/hook/deliveries`) and redelivered by id (`POST /app/hook/deliveries/{id}/attempts`,
 * see routes/hook-deliveries.ts). An attempt that could not connect has status code 0.
 */
export interface HookDeliveryAttempt {
  id: number;
  guid: string;
  deliveredAt: number;
  redelivery: boolean;
  durationMs: number;
  statusCode: number;
  event: string;
  action: string | null;
  installationId: number | null;
  repositoryId: number | null;
}

export class HookDeliveryLog {
  readonly attempts: HookDeliveryAttempt[] = [];
  private nextId = 12_000_000_000;
  /** Sends the delivery `guid` again (set by the webhook sender). */
  redeliverer: ((guid: string) => void) | undefined;

  record(attempt: Omit<HookDeliveryAttempt, 'id'>): HookDeliveryAttempt {
    const a = { ...attempt, id: this.nextId++ };
    this.attempts.push(a);
    return a;
  }

  get(id: number): HookDeliveryAttempt | undefined {
    return this.attempts.find((a) => a.id === id);
  }

  /** Newest first, strictly older than the cursor's id, filtered by outcome. */
  list(options: { beforeId?: number; status?: 'success' | 'failure' }): HookDeliveryAttempt[] {
    return this.attempts
      .filter(
        (a) =>
          (options.beforeId === undefined || a.id < options.beforeId) &&
          (options.status === undefined || (options.status === 'success') === succeeded(a)),
      )
      .sort((a, b) => b.id - a.id);
  }
}

export const succeeded = (a: Pick<HookDeliveryAttempt, 'statusCode'>): boolean =>
  a.statusCode >= 200 && a.statusCode < 300;

/** GitHub's `status` text of an attempt. */
export function statusText(statusCode: number): string {
  if (statusCode === 0) return 'failed to connect to host';
  return statusCode >= 200 && statusCode < 300 ? 'OK' : `Invalid HTTP Response: ${statusCode}`;
}
