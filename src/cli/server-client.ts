/**
 * The CLI's way to a running steering server. A server owns its database (the embedded one allows
 * one process), so while one runs, admin commands (`token`, `repos sync|list`, `publish`, `rollout
 * list|status|promote|reconcile`) go through its API:
 * - `STEERING_URL` + `STEERING_TOKEN` name any server;
 * - otherwise `steering serve` leaves `<STEERING_DATA_DIR>/server.json` (mode 0600: url, pid and an
 *   admin token it creates at start and revokes at shutdown) for the CLI on the same machine.
 * Without either (or when that server's process is gone) commands open the database themselves.
 */
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.js';
import { SteeringError, type ErrorCode } from '../errors.js';

export interface ServerClient {
  url: string;
  /** JSON in and out; a problem+json answer becomes a SteeringError with its code and detail. */
  request<T>(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    contentType?: string,
  ): Promise<T>;
}

interface ServerFile {
  url: string;
  pid: number;
  token: string;
}

export const serverFilePath = (config: Pick<Config, 'database'>): string =>
  join(config.database.dataDir, 'server.json');

/** Written by `serve` once it listens; readable by its user only. */
export function writeServerFile(config: Pick<Config, 'database'>, content: ServerFile): string {
  const path = serverFilePath(config);
  mkdirSync(config.database.dataDir, { recursive: true });
  writeFileSync(path, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600); // an existing file keeps its mode otherwise
  return path;
}

export function removeServerFile(config: Pick<Config, 'database'>, pid = process.pid): void {
  const found = readServerFile(config);
  if (found && found.pid === pid) rmSync(serverFilePath(config), { force: true });
}

function readServerFile(config: Pick<Config, 'database'>): ServerFile | undefined {
  try {
    const parsed = JSON.parse(readFileSync(serverFilePath(config), 'utf8')) as ServerFile;
    return typeof parsed.url === 'string' && typeof parsed.token === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

export function createServerClient(url: string, token: string): ServerClient {
  return {
    url,
    async request<T>(method: 'GET' | 'POST', path: string, body?: unknown, contentType?: string) {
      let res: Response;
      try {
        res = await fetch(`${url}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(body === undefined ? {} : { 'content-type': contentType ?? 'application/json' }),
          },
          ...(body === undefined
            ? {}
            : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
          // A publish compiles on the server; a minute is long for anything else it does.
          signal: AbortSignal.timeout(60_000),
        });
      } catch (err) {
        throw new SteeringError(
          'INTERNAL',
          `the steering server at ${url} does not answer (${(err as Error).message}); start it, or unset STEERING_URL to use the database directly`,
        );
      }
      const text = await res.text();
      const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      if (!res.ok) {
        throw new SteeringError(
          (typeof json.code === 'string' ? json.code : 'INTERNAL') as ErrorCode,
          `${url}: ${String(json.detail ?? json.title ?? res.statusText)}`,
        );
      }
      return json as T;
    },
  };
}

/** The running server to talk to, or undefined to open the database directly. */
export function findServer(config: Pick<Config, 'server' | 'database'>): ServerClient | undefined {
  if (config.server.url) {
    if (!config.server.token)
      throw new SteeringError(
        'USAGE',
        'STEERING_URL is set without STEERING_TOKEN: create an admin token on that server (`steering token create --scopes admin`) and set STEERING_TOKEN',
      );
    return createServerClient(config.server.url, config.server.token);
  }
  const file = readServerFile(config);
  if (file && alive(file.pid)) return createServerClient(file.url, file.token);
  return undefined;
}
