/**
 * The CLI's way to a running steering server. A server owns its database (the embedded one allows
 * one process), so while one runs, admin commands (`token`, `repos sync|list`, `publish`, `rollout
 * list|status|promote|reconcile`, `waiver`) go through its API:
 * - `STEERING_URL` + `STEERING_TOKEN` name any server;
 * - otherwise `steering serve` leaves `<STEERING_DATA_DIR>/server.json` (mode 0600: url, pid and an
 *   admin token it creates at start and revokes at shutdown) for the CLI on the same machine.
 * Without either (or when that server's process is gone) commands open the database themselves.
 * A command may take `--url` / `--token` over the variables (`waiver` does).
 */
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.js';
import { SteeringError, type ErrorCode } from '../errors.js';

export interface ServerClient {
  url: string;
  /** JSON in and out; a problem+json answer becomes a SteeringError with its code and detail. */
  request<T>(method: Method, path: string, body?: unknown, contentType?: string): Promise<T>;
}

type Method = 'GET' | 'POST' | 'DELETE';

/** What a flag (`--url`, `--token`) gives instead of STEERING_URL / STEERING_TOKEN. */
export interface ServerOverride {
  url?: string;
  token?: string;
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
    async request<T>(method: Method, path: string, body?: unknown, contentType?: string) {
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
          `the steering server at ${url} does not answer (${describeFetchError(err)}); start it (\`steering serve\`), or point STEERING_URL (or --url) at a running one; unset it to use the database directly`,
          { transient: true },
        );
      }
      const text = await res.text();
      if (!res.ok) throw problemError(url, res, text);
      try {
        return (text ? JSON.parse(text) : {}) as T;
      } catch {
        throw new SteeringError(
          'INTERNAL',
          `${url}${path} answered ${res.status} with something other than JSON (${res.headers.get('content-type') ?? 'no content type'}): is STEERING_URL a steering server?`,
        );
      }
    },
  };
}

function describeFetchError(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return 'no answer within 60 s';
  return e.cause?.code ?? e.cause?.message ?? e.message;
}

/** A problem+json answer as a SteeringError: its code, its detail, and what to do for 401/403. */
function problemError(url: string, res: Response, text: string): SteeringError {
  let json: Record<string, unknown> = {};
  try {
    json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    // not problem+json (a proxy's page): the status says enough
  }
  const fallback: ErrorCode =
    res.status === 401 ? 'UNAUTHENTICATED' : res.status === 403 ? 'FORBIDDEN' : 'INTERNAL';
  const code = (typeof json.code === 'string' ? json.code : fallback) as ErrorCode;
  const detail = String(json.detail ?? json.title ?? `${res.status} ${res.statusText}`);
  const hint =
    code === 'UNAUTHENTICATED'
      ? ' (the token is refused: give a live one with STEERING_TOKEN or --token; `steering token create` on the server makes one)'
      : code === 'FORBIDDEN'
        ? ' (create a token with that scope: `steering token create --scopes …`)'
        : '';
  return new SteeringError(code, `${url}: ${detail}${hint}`, { details: json.details });
}

/** The running server to talk to, or undefined to open the database directly. */
export function findServer(
  config: Pick<Config, 'server' | 'database'>,
  override: ServerOverride = {},
): ServerClient | undefined {
  const url = override.url?.replace(/\/+$/, '') ?? config.server.url;
  if (url) {
    const token = override.token ?? config.server.token;
    if (!token)
      throw new SteeringError(
        'USAGE',
        `${override.url ? '--url' : 'STEERING_URL'} is set without a token: create one on that server (\`steering token create --scopes admin\`) and set STEERING_TOKEN (or --token)`,
      );
    return createServerClient(url, token);
  }
  const file = readServerFile(config);
  if (file && alive(file.pid)) return createServerClient(file.url, override.token ?? file.token);
  return undefined;
}
