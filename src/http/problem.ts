/**
 * The one error mapper of the HTTP layer: any error becomes `application/problem+json` (RFC 9457)
 * with a stable `code`, its status taken from `describeError`. Library errors (body-parser, zod)
 * are translated to SteeringErrors first. 5xx details are logged, never sent.
 */
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { z } from 'zod';
import { SteeringError, describeError, errorTitle, isSteeringError } from '../errors.js';

/** Errors thrown by body-parser and friends carry `type` and `status`. */
function fromHttpError(err: unknown): SteeringError | null {
  const e = err as { type?: unknown; status?: unknown; message?: unknown };
  if (!e || typeof e.status !== 'number' || e.status < 400 || e.status >= 500) return null;
  const message = typeof e.message === 'string' ? e.message : 'bad request';
  if (e.status === 413) return new SteeringError('PAYLOAD_TOO_LARGE', message);
  if (e.status === 415) return new SteeringError('UNSUPPORTED_MEDIA_TYPE', message);
  return new SteeringError('INVALID_INPUT', message);
}

export function toSteeringError(err: unknown): unknown {
  if (isSteeringError(err)) return err;
  if (err instanceof z.ZodError) {
    return new SteeringError(
      'INVALID_INPUT',
      err.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; '),
      {
        details: {
          issues: err.issues.map((i) => ({
            path: i.path.map(String),
            message: i.message,
            code: i.code,
          })),
        },
      },
    );
  }
  return fromHttpError(err) ?? err;
}

export function problemBody(err: unknown, req: Request) {
  const e = toSteeringError(err);
  const d = describeError(e);
  const steering = isSteeringError(e) ? e : null;
  return {
    type: `urn:steering:problem:${d.code.toLowerCase().replace(/_/g, '-')}`,
    title: errorTitle(d.code),
    status: d.status,
    code: d.code,
    detail:
      steering && d.status < 500
        ? steering.message
        : d.status === 503
          ? 'a dependency is unavailable; retry later'
          : 'internal error',
    instance: req.originalUrl,
    requestId: req.id,
    ...(steering && d.status < 500 && steering.details !== undefined
      ? { details: steering.details }
      : {}),
  };
}

export const problemHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const body = problemBody(err, req);
  const d = describeError(toSteeringError(err));
  const log = req.log;
  if (log) {
    log[d.level](
      { reqId: req.id, code: d.code, status: d.status, err: d.status >= 500 ? err : undefined },
      'request failed',
    );
  }
  if (d.code === 'UNAUTHENTICATED') res.setHeader('WWW-Authenticate', 'Bearer realm="steering"');
  res.status(d.status).type('application/problem+json').send(JSON.stringify(body));
};

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new SteeringError('NOT_FOUND', `no route for ${req.method} ${req.path}`));
};
