/**
 * Requests in flight to GitHub per limiter key (`installation-<id>`, `token`) in this process: at
 * most `REQUESTS_IN_FLIGHT` at a time, the figure Octokit's throttling plugin keeps in its `global`
 * group. A place is taken right before a request is sent (after its write-limiter slot, after
 * plugin-retry's backoff) and given back when its answer (or failure) arrived, so a write waiting
 * for its limiter slot holds nothing: the installation's reads and the writes whose slot has come
 * go on meanwhile. (The plugin's group held its place for the whole request, limiter wait and
 * backoffs included: ten writes asleep on the limiter stopped every other request of their
 * installation in the process.) Shared by every Octokit of the process, as the plugin's groups are.
 */

/** Octokit's throttling plugin's `global` group: `maxConcurrent: 10`. */
export const REQUESTS_IN_FLIGHT = 10;

interface Key {
  active: number;
  waiting: (() => void)[];
}

const keys = new Map<string, Key>();

export interface RequestSlot {
  /** Whether the request waited for its place (others of its key were in flight). */
  queued: boolean;
  /** Gives the place back (once; later calls do nothing). */
  release(): void;
}

/** Waits for a place among `key`'s requests in flight; FIFO. */
export async function takeRequestSlot(
  key: string,
  limit = REQUESTS_IN_FLIGHT,
): Promise<RequestSlot> {
  let k = keys.get(key);
  if (!k) keys.set(key, (k = { active: 0, waiting: [] }));
  const entry = k;
  const queued = entry.active >= limit;
  if (queued) await new Promise<void>((resolve) => entry.waiting.push(resolve));
  else entry.active += 1;
  let released = false;
  return {
    queued,
    release() {
      if (released) return;
      released = true;
      const next = entry.waiting.shift();
      // The place passes to the next in line as it is (`active` unchanged).
      if (next) return next();
      entry.active -= 1;
      if (entry.active === 0) keys.delete(key);
    },
  };
}

/** Requests of `key` in flight and waiting (for tests). */
export function requestSlotsOf(key: string): { active: number; waiting: number } {
  const k = keys.get(key);
  return { active: k?.active ?? 0, waiting: k?.waiting.length ?? 0 };
}
