/**
 * Listening and graceful shutdown. On SIGTERM/SIGINT: stop accepting connections and let
 * in-flight requests finish (idle keep-alive sockets closed at once, the rest after
 * `graceMs`), then close the workers (hooks registered by the jobs room), then the resources
 * (database pool, Redis) in order.
 */
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import type { Express } from 'express';
import type { Logger } from '../log.js';

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
  const server = createServer(app);
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
  close(): Promise<unknown>;
}

export interface ShutdownPlan {
  server: RunningServer;
  /** Closed after the HTTP server, before resources. The jobs room pushes its workers here. */
  workers: Closable[];
  /** Closed last, in order (e.g. the database pool, then Redis). */
  resources: Closable[];
  logger: Logger;
}

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
      await step('http', () => plan.server.close());
      await Promise.all(plan.workers.map((w) => step(w.name, () => w.close())));
      for (const r of plan.resources) await step(r.name, () => r.close());
      plan.logger.info('stopped');
    })());
}
