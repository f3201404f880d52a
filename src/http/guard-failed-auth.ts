/**
 * Throttles clients that keep failing authentication, before any work is done for them: every 401
 * (a bad token on /v1, a bad signature on the webhook route) costs the client's address a point;
 * past the budget its requests to those paths are answered 429 with `Retry-After`, without a
 * database query, a token hash or a body read. Successful requests cost nothing, so a busy CI that
 * authenticates is never slowed. Counted in this process, or in Redis when one is given (shared by
 * every instance).
 */
import type { RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { SteeringError } from '../errors.js';

export interface FailedAuthLimits {
  /** Failed authentications one address may make per window. Default 30. */
  failures?: number;
  /** The window, seconds. Default 60. */
  windowSeconds?: number;
  /** Share the counts through Redis (key prefix `<prefix>:auth-fail`). Default: in-process. */
  redis?: { client: Redis; prefix: string };
}

export function guardFailedAuth(limits: FailedAuthLimits = {}): RequestHandler {
  const points = limits.failures ?? 30;
  const duration = limits.windowSeconds ?? 60;
  const limiter = limits.redis
    ? new RateLimiterRedis({
        storeClient: limits.redis.client,
        keyPrefix: `${limits.redis.prefix}:auth-fail`,
        points,
        duration,
        // Redis unreachable: count in this process rather than let everyone in or no one.
        insuranceLimiter: new RateLimiterMemory({ points, duration }),
      })
    : new RateLimiterMemory({ points, duration });

  return (req, res, next) => {
    const key = req.socket.remoteAddress ?? 'unknown';
    limiter
      .get(key)
      .then((state) => {
        if (state && state.consumedPoints >= points) {
          const wait = Math.max(1, Math.ceil(state.msBeforeNext / 1000));
          res.setHeader('Retry-After', String(wait));
          throw new SteeringError(
            'RATE_LIMITED',
            `too many failed authentications from this address; retry in ${wait} s`,
          );
        }
        res.on('finish', () => {
          if (res.statusCode === 401) limiter.penalty(key, 1).catch(() => undefined);
        });
        next();
      })
      .catch((err: unknown) => next(err instanceof RateLimiterRes ? undefined : err));
  };
}
