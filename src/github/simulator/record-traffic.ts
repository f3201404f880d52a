/**
 * The simulator's traffic as GitHub's descriptions judge it: every answered call (method, path,
 * status, the headers a client relies on, body) and every webhook delivery (event, payload).
 * A simulator records into `options.recorder`, else into the process-wide recorder installed
 * under `TRAFFIC_RECORDER` on `globalThis` (the conformance run installs one in every process of
 * the test suite and the demo, see scripts/record-simulator-traffic.mjs). Nothing is recorded
 * when neither is set.
 */

export interface RecordedCall {
  kind: 'call';
  method: string;
  path: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface RecordedDelivery {
  kind: 'delivery';
  event: string;
  payload: unknown;
}

export type TrafficEntry = RecordedCall | RecordedDelivery;

export interface TrafficRecorder {
  record(entry: TrafficEntry): void;
}

export const TRAFFIC_RECORDER = Symbol.for('steering.github-simulator.traffic-recorder');

export function processRecorder(): TrafficRecorder | undefined {
  return (globalThis as Record<symbol, TrafficRecorder | undefined>)[TRAFFIC_RECORDER];
}

/** An in-memory recorder (tests validate its entries). */
export function createMemoryRecorder(): TrafficRecorder & { entries: TrafficEntry[] } {
  const entries: TrafficEntry[] = [];
  return { entries, record: (e) => void entries.push(e) };
}

/** Headers worth judging (the rest are transport detail). */
export const RECORDED_HEADERS = [
  'location',
  'link',
  'retry-after',
  'x-github-request-id',
  'x-ratelimit-remaining',
  'etag',
];
