/**
 * A TCP proxy of the fault suite's own in front of a shared server (PostgreSQL), on a port that
 * stays the same across a restart. `freeze` stops forwarding bytes (a frozen server or a silent
 * network: no error, no answer); `stop` drops every connection and refuses new ones (a restarted
 * or unreachable server); `start` accepts connections again on the same port.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  /** The proxy's port, once it first listens. */
  listening: Promise<number>;
  freeze(): void;
  thaw(): void;
  /** Drops every connection and stops listening. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export function startProxy(target: { host: string; port: number }): TcpProxy {
  let frozen = false;
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  const open = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const s = createServer((client) => {
        const upstream = connect(target.port, target.host);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('error', () => undefined);
          socket.on('close', () => sockets.delete(socket));
        }
        client.on('data', (d) => void (frozen || upstream.write(d)));
        upstream.on('data', (d) => void (frozen || client.write(d)));
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        server = s;
        resolve((s.address() as { port: number }).port);
      });
    });
  const listening = open(0);
  const stop = async () => {
    const s = server;
    server = null;
    for (const socket of sockets) socket.destroy();
    if (s) await new Promise<void>((r) => s.close(() => r()));
  };
  return {
    listening,
    freeze: () => void (frozen = true),
    thaw: () => void (frozen = false),
    stop,
    start: async () => void (await open(await listening)),
    close: stop,
  };
}
