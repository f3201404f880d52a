/**
 * Bearer API tokens. Tokens are looked up by sha256 and cached for a few seconds, keyed by the
 * presented secret (so a hot read path costs one query, not two, and a cache hit hashes nothing);
 * `last_used_at` is written at most once a minute per token.
 * No header or an unknown token → 401; a token without the route's scope → 403.
 * Revocation takes effect at once: a revoke in this process empties the cache (`forget`), one in
 * another process (a second server, the CLI on the database) is heard through the database's
 * notification (`TOKEN_REVOKED_CHANNEL`), and while that notification cannot be heard (connection
 * lost, not yet up) nothing is served from the cache. A lookup that was in flight across an
 * invalidation is not cached.
 */
import type { Request, RequestHandler } from 'express';
import { SteeringError } from '../errors.js';
import type { Logger } from '../log.js';
import {
  TOKEN_REVOKED_CHANNEL,
  findApiToken,
  hasScope,
  touchApiToken,
  type ApiTokenRecord,
  type Db,
  type Scope,
} from '../store/index.js';

export interface AuthOptions {
  /**
   * How long a looked-up token is trusted before it is read again. Revocations empty the cache
   * whenever they happen; 0 turns the cache off. Default 5000 ms.
   */
  cacheMs?: number;
}

const TOUCH_EVERY_MS = 60_000;
const MAX_CACHED = 1000;

export interface Authenticator {
  /** The middleware that admits a request holding a live token with `scope`. */
  (scope: Scope): RequestHandler;
  /** Drops every cached token (a token was revoked in this process). */
  forget(): void;
}

export function tokenOf(req: Request): ApiTokenRecord {
  const token = (req as Request & { token?: ApiTokenRecord }).token;
  if (!token) throw new SteeringError('INTERNAL', 'route reached without authentication');
  return token;
}

/**
 * Looked-up tokens by presented secret, trusted for `cacheMs`; emptied by every revocation heard
 * (here or through the database's notification) and bypassed while that notification cannot be
 * heard.
 */
function createTokenCache(db: Db, cacheMs: number) {
  const cache = new Map<string, { record: ApiTokenRecord; until: number }>();
  // Bumped by every invalidation: a lookup that started under another generation is not cached.
  let generation = 0;
  let hearing = false;
  const forget = () => {
    generation++;
    cache.clear();
  };
  let subscribed = false;
  // On the first lookup, not at creation: an app built only to list its routes opens nothing.
  const subscribe = () => {
    if (subscribed || cacheMs <= 0) return;
    subscribed = true;
    db.listen(TOKEN_REVOKED_CHANNEL, {
      notified: forget,
      listening(live) {
        hearing = live;
        forget();
      },
    });
  };

  return {
    forget,
    // Keyed by the presented secret itself: a hit costs no sha256 (the secret is in this
    // process's memory for the request anyway, and an entry lives `cacheMs`).
    cached(secret: string): ApiTokenRecord | undefined {
      subscribe();
      const hit = cache.get(secret);
      return hit && hit.until > Date.now() ? hit.record : undefined;
    },
    async lookup(secret: string): Promise<ApiTokenRecord | null> {
      const now = Date.now();
      const started = generation;
      const record = await findApiToken(db, secret);
      if (cache.size >= MAX_CACHED) cache.clear();
      if (record && hearing && started === generation)
        cache.set(secret, { record, until: now + cacheMs });
      else cache.delete(secret);
      return record;
    },
  };
}

export function createAuthenticator(
  db: Db,
  logger: Logger,
  options: AuthOptions = {},
): Authenticator {
  const { cached, lookup, forget } = createTokenCache(db, options.cacheMs ?? 5000);
  const touched = new Map<number, number>();

  function touch(record: ApiTokenRecord): void {
    const now = Date.now();
    if ((touched.get(record.id) ?? 0) + TOUCH_EVERY_MS > now) return;
    touched.set(record.id, now);
    touchApiToken(db, record.id).catch((err: Error) =>
      logger.warn({ tokenId: record.id, err }, 'could not record token use'),
    );
  }

  const authenticate =
    (scope: Scope): RequestHandler =>
    async (req, _res, next) => {
      const header = req.get('authorization');
      const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
      if (!m)
        throw new SteeringError(
          'UNAUTHENTICATED',
          'send an API token: Authorization: Bearer <token>',
        );
      // A cached token admits the request in this tick (no promise to wait for).
      const record = cached(m[1]!) ?? (await lookup(m[1]!));
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
  return Object.assign(authenticate, { forget });
}
