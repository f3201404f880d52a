/**
 * One middleware for what every request leaves behind: its id (`X-Request-Id`, echoed when
 * well-formed, generated otherwise), one access-log line and one latency observation, both from a
 * single `finish` listener. Nothing is built per request for the log unless its line is written:
 * the level (debug for 2xx/3xx, info for 4xx, error for 5xx) is checked first, and handlers log
 * through the component logger with the request id as a field (`req.log`), not a child logger.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { RequestHandler } from 'express';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';

declare module 'http' {
  interface IncomingMessage {
    /** The request id, also sent back as `X-Request-Id`. */
    id?: string;
    /** The HTTP component's logger (log the request id with `{ reqId: req.id }`). */
    log?: Logger;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function observeRequests(deps: { logger: Logger; metrics: Metrics }): RequestHandler {
  const log = deps.logger.child({ component: 'http' });
  const histogram = deps.metrics.httpRequestDuration;
  return (req, res, next) => {
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('x-request-id', id);
    req.id = id;
    req.log = log;
    const start = performance.now();
    res.once('finish', () => {
      const seconds = (performance.now() - start) / 1000;
      const status = res.statusCode;
      const route = req.route?.path
        ? String(req.route.path)
        : status === 404
          ? 'unmatched'
          : 'middleware';
      histogram.observe({ method: req.method, route, status: String(status) }, seconds);
      const level = status >= 500 ? 'error' : status >= 400 ? 'info' : 'debug';
      if (!log.isLevelEnabled(level)) return;
      log[level](
        {
          req: { id, method: req.method, url: req.originalUrl },
          res: { statusCode: status },
          responseTime: Math.round(seconds * 1e5) / 100,
        },
        'request completed',
      );
    });
    next();
  };
}
