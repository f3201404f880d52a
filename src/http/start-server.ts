/**
 * Listening and graceful shutdown. On SIGTERM/SIGINT: stop accepting connections and let
 * in-flight requests finish (idle keep-alive sockets closed at once, the rest after
 * `graceMs`), then drain what answered requests still owe (the webhook intake's enqueue), then
 * close the workers (hooks registered by the jobs room), then the resources
 * (database pool, Redis) in order. The whole of it has a deadline (default 25 s, inside
 * Kubernetes' 30 s grace): workers still busy then are closed with `force`, which gives their
 * active jobs back to the queue for another worker instead of waiting out a GitHub backoff.
 */
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import type { Express } from 'express';
import type { Logger } from '../log.js';
import { answerLiveness } from './ops-routes.js';

export interface RunningServer {
  server: Server;
  /** `http://host:port` actually bound (port 0 → the chosen port). */
  url: string;
  close(graceMs?: number): Promise<void>;
}

export async function startServer(
  app: Express,
  options: { port: number; host: string },
): Promise<RunningServer> {
  // The liveness probe skips Express altogether (it is hit every few seconds and does no I/O).
  const server = createServer((req, res) => {
    if (req.url === '/health' && req.method === 'GET') answerLiveness(res);
    else void app(req, res);
  });
  server.keepAliveTimeout = 65_000; // longer than common load balancer idle timeouts
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    server,
    url: `http://${host}:${addr.port}`,
    close(graceMs = 10_000) {
      return new Promise<void>((resolve, reject) => {
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        // Keep-alive sockets become idle once their in-flight response is sent: close them as they do.
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
        force.unref();
        sweep.unref();
        server.close((err) => {
          clearTimeout(force);
          clearInterval(sweep);
          if (err && (err as NodeJS.ErrnoException).code !== 'ERR_SERVER_NOT_RUNNING') reject(err);
          else resolve();
        });
        server.closeIdleConnections();
      });
    },
  };
}

/** Something to close at shutdown (a worker, the pool, a Redis client). */
export interface Closable {
  name: string;
  /** `force`: the deadline passed; stop now (a worker hands its active jobs back). */
  close(force?: boolean): Promise<unknown>;
}

export interface ShutdownPlan {
  server: RunningServer;
  /**
   * Awaited in order after the HTTP server, before the workers and queues close: what answered
   * requests still owe them (the webhook intake feeds the queue after its answers).
   */
  drain?: Closable[];
  /** Closed after the HTTP server, before resources. The jobs room pushes its workers here. */
  workers: Closable[];
  /** Closed last, in order (e.g. the database pool, then Redis). */
  resources: Closable[];
  logger: Logger;
  /** Time from the signal until workers are forced closed, ms. Default 25 000. */
  deadlineMs?: number;
}

/** How long forced worker closes may take before shutdown goes on without them, ms. */
const FORCED_CLOSE_GRACE_MS = 1000;

/** Returns an idempotent shutdown function; errors are logged and shutdown goes on. */
export function createShutdown(plan: ShutdownPlan): (reason: string) => Promise<void> {
  let running: Promise<void> | undefined;
  return (reason) =>
    (running ??= (async () => {
      plan.logger.info({ reason }, 'shutting down');
      const step = async (name: string, fn: () => Promise<unknown>) => {
        try {
          await fn();
          plan.logger.debug({ step: name }, 'closed');
        } catch (err) {
          plan.logger.error({ step: name, err }, 'error while shutting down');
        }
      };
      const deadlineMs = plan.deadlineMs ?? 25_000;
      const deadline = Date.now() + deadlineMs;
      await step('http', () => plan.server.close(Math.min(10_000, deadlineMs)));
      for (const d of plan.drain ?? []) await step(d.name, () => d.close());
      const pending = new Set(plan.workers);
      const graceful = Promise.all(
        plan.workers.map((w) => step(w.name, () => w.close()).then(() => pending.delete(w))),
      );
      let timer: NodeJS.Timeout | undefined;
      const late = await Promise.race([
        graceful.then(() => false),
        new Promise<boolean>((r) => {
          timer = setTimeout(() => r(true), Math.max(0, deadline - Date.now()));
        }),
      ]);
      clearTimeout(timer);
      if (late && pending.size) {
        plan.logger.warn(
          { workers: [...pending].map((w) => w.name), deadlineMs },
          'shutdown deadline reached: closing the busy workers now; their active jobs go back to the queue',
        );
        // A worker whose close still waits (a job asleep in a GitHub backoff holds BullMQ's close)
        // is left behind after a short grace: the lock of its job expires and another worker
        // takes the job.
        let grace: NodeJS.Timeout | undefined;
        const forced = await Promise.race([
          Promise.all(
            [...pending].map((w) => step(`${w.name} (forced)`, () => w.close(true))),
          ).then(() => true),
          new Promise<false>((r) => (grace = setTimeout(() => r(false), FORCED_CLOSE_GRACE_MS))),
        ]);
        clearTimeout(grace);
        if (!forced)
          plan.logger.warn(
            { graceMs: FORCED_CLOSE_GRACE_MS },
            'busy workers did not close in time; leaving their jobs to the queue',
          );
      }
      for (const r of plan.resources) await step(r.name, () => r.close());
      plan.logger.info('stopped');
    })());
}
