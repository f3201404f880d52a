/**
 * Fault injection: "the next N requests matching this method and path fail like so". A fault
 * fires `before` the handler (nothing happens, as when GitHub refuses a request) or `after` it (the
 * request is applied, then the answer is lost: GitHub can apply a POST and still answer 502 or
 * time out, and a client that retries blindly writes twice). Faults are checked in the order
 * they were injected.
 */
export type FaultKind =
  | {
      kind: 'status';
      status: 403 | 404 | 409 | 422 | 429 | 500 | 502 | 503;
      message?: string;
    }
  /** The server never answers (the client's timeout fires). */
  | { kind: 'timeout' }
  /** 403 secondary rate limit with `retry-after` in (simulated) seconds. */
  | { kind: 'secondary-limit'; retryAfterSeconds: number }
  /** 422 "head invalid" on creating a pull request (GitHub has not yet seen the new branch). */
  | { kind: 'head-invalid' };

export type Fault = FaultKind & {
  /** Default: any method. */
  method?: string;
  /** Substring or pattern of the path (without query). Default: any path. */
  path?: string | RegExp;
  /** How many matching requests fail. Default 1. */
  times?: number;
  /** Default `before`: the request is not applied. `after`: applied, then the answer fails. */
  when?: 'before' | 'after';
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

  /** The fault to apply to this request at `when`, consuming one use, if any matches. */
  take(method: string, path: string, when: 'before' | 'after' = 'before'): FaultKind | undefined {
    for (const a of this.armed) {
      const f = a.fault;
      if (a.left <= 0 || (f.when ?? 'before') !== when) continue;
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
