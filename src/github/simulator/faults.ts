/**
 * Fault injection: "the next N requests matching this method and path fail like so". Faults are
 * checked before rate limits and routing, in the order they were injected.
 */
export type FaultKind =
  | { kind: 'status'; status: 403 | 404 | 422 | 429 | 500 | 502 | 503; message?: string }
  /** The server never answers (the client's timeout fires). */
  | { kind: 'timeout' }
  /** 403 secondary rate limit with `retry-after` in (simulated) seconds. */
  | { kind: 'secondary-limit'; retryAfterSeconds: number };

export type Fault = FaultKind & {
  /** Default: any method. */
  method?: string;
  /** Substring or pattern of the path (without query). Default: any path. */
  path?: string | RegExp;
  /** How many matching requests fail. Default 1. */
  times?: number;
};

interface Armed {
  fault: Fault;
  left: number;
}

export class FaultInjector {
  private armed: Armed[] = [];

  inject(fault: Fault): void {
    this.armed.push({ fault, left: fault.times ?? 1 });
  }

  clear(): void {
    this.armed = [];
  }

  /** The fault to apply to this request, consuming one use, if any matches. */
  take(method: string, path: string): FaultKind | undefined {
    for (const a of this.armed) {
      const f = a.fault;
      if (a.left <= 0) continue;
      if (f.method && f.method.toUpperCase() !== method) continue;
      if (
        f.path !== undefined &&
        !(typeof f.path === 'string' ? path.includes(f.path) : f.path.test(path))
      ) {
        continue;
      }
      a.left -= 1;
      this.armed = this.armed.filter((x) => x.left > 0);
      return f;
    }
    return undefined;
  }
}
