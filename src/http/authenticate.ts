/**
 * Bearer API tokens. Tokens are looked up by sha256 and cached for a few seconds, keyed by the
 * presented secret (so a hot read path costs one query, not two, and a cache hit hashes nothing); `last_used_at` is written at most once a minute per token.
 * No header or an unknown token → 401; a token without the route's scope → 403.
 */
import type { Request, RequestHandler } from 'express';
import { SteeringError } from '../errors.js';
import type { Logger } from '../log.js';
import {
  findApiToken,
  hasScope,
  touchApiToken,
  type ApiTokenRecord,
  type Db,
  type Scope,
} from '../store/index.js';

export interface AuthOptions {
  /** How long a looked-up token is trusted before it is read again (revocation delay). Default 5000 ms. */
  cacheMs?: number;
}

const TOUCH_EVERY_MS = 60_000;
const MAX_CACHED = 1000;

export type Authenticator = (scope: Scope) => RequestHandler;

export function tokenOf(req: Request): ApiTokenRecord {
  const token = (req as Request & { token?: ApiTokenRecord }).token;
  if (!token) throw new SteeringError('INTERNAL', 'route reached without authentication');
  return token;
}

export function createAuthenticator(
  db: Db,
  logger: Logger,
  options: AuthOptions = {},
): Authenticator {
  const cacheMs = options.cacheMs ?? 5000;
  const cache = new Map<string, { record: ApiTokenRecord; until: number }>();
  const touched = new Map<number, number>();

  // Keyed by the presented secret itself: a hit costs no sha256 (the secret is in this process's
  // memory for the request anyway, and an entry lives `cacheMs`).
  async function lookup(secret: string): Promise<ApiTokenRecord | null> {
    const now = Date.now();
    const hit = cache.get(secret);
    if (hit && hit.until > now) return hit.record;
    const record = await findApiToken(db, secret);
    if (cache.size >= MAX_CACHED) cache.clear();
    if (record) cache.set(secret, { record, until: now + cacheMs });
    else cache.delete(secret);
    return record;
  }

  function touch(record: ApiTokenRecord): void {
    const now = Date.now();
    if ((touched.get(record.id) ?? 0) + TOUCH_EVERY_MS > now) return;
    touched.set(record.id, now);
    touchApiToken(db, record.id).catch((err: Error) =>
      logger.warn({ tokenId: record.id, err }, 'could not record token use'),
    );
  }

  return (scope) => async (req, _res, next) => {
    const header = req.get('authorization');
    const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!m)
      throw new SteeringError(
        'UNAUTHENTICATED',
        'send an API token: Authorization: Bearer <token>',
      );
    const record = await lookup(m[1]!);
    if (!record || (record.expiresAt && Date.parse(record.expiresAt) <= Date.now()))
      throw new SteeringError('UNAUTHENTICATED', 'unknown, revoked or expired API token');
    if (!hasScope(record.scopes, scope)) {
      throw new SteeringError(
        'FORBIDDEN',
        `this route needs the "${scope}" scope; the token has ${record.scopes.join(', ')}`,
      );
    }
    (req as Request & { token?: ApiTokenRecord }).token = record;
    touch(record);
    next();
  };
}
