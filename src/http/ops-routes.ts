/**
 * Operational endpoints, unauthenticated: /health (liveness, no I/O), /ready (each dependency
 * pinged with a timeout, latency in ms, 503 when any is down), /metrics (Prometheus).
 */
import { performance } from 'node:perf_hooks';
import type { ServerResponse } from 'node:http';
import type { Express } from 'express';
import type { Metrics } from '../metrics.js';

/** A dependency check: resolves when the dependency answers. */
export type ReadinessCheck = () => Promise<unknown>;

const round = (ms: number) => Math.round(ms * 100) / 100;

async function probe(check: ReadinessCheck, timeoutMs: number) {
  const start = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { status: 'up' as const, latencyMs: round(performance.now() - start) };
  } catch (err) {
    return {
      status: 'down' as const,
      latencyMs: round(performance.now() - start),
      error: (err as Error)?.message ?? String(err),
    };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * /health, mounted before request logging, security headers and metrics: a liveness probe hits it
 * every few seconds, does no I/O, and would only drown the access log and the latency histogram.
 * `startServer` answers it before Express is entered (`answerLiveness`); this route serves apps
 * used without `startServer` (tests with supertest) the same bytes.
 */
export function mountLiveness(app: Express): void {
  app.get('/health', (_req, res) => answerLiveness(res));
}

/** The liveness answer, written on the bare response (no framework work). */
export function answerLiveness(res: ServerResponse): void {
  const body = `{"status":"ok","uptimeSeconds":${Math.round(process.uptime())}}`;
  res.writeHead(200, LIVENESS_HEADERS).end(body);
}

/** What helmet would set on a JSON answer, written once: /health runs before helmet. */
export const LIVENESS_HEADERS = {
  'Cache-Control': 'no-store',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Referrer-Policy': 'no-referrer',
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Content-Type': 'application/json; charset=utf-8',
} as const;

export function mountOpsRoutes(
  app: Express,
  deps: {
    metrics: Metrics;
    readiness: Record<string, ReadinessCheck>;
    readinessTimeoutMs?: number;
    openapi: () => unknown;
  },
): void {
  app.get('/ready', async (_req, res) => {
    const names = Object.keys(deps.readiness);
    const results = await Promise.all(
      names.map((n) => probe(deps.readiness[n]!, deps.readinessTimeoutMs ?? 2000)),
    );
    const checks = Object.fromEntries(names.map((n, i) => [n, results[i]!]));
    const ok = results.every((r) => r.status === 'up');
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'unavailable', checks });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  app.get('/openapi.json', (_req, res) => {
    res.json(deps.openapi());
  });
}
