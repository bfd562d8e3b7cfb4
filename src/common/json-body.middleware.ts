import type { NextFunction, Request, Response } from 'express';
import { InvalidInputError } from './errors.js';

/**
 * Refuses a request body that is not JSON. Without this a `text/plain` body is simply not parsed,
 * and a heartbeat (whose fields are all optional) would be accepted with its stats silently lost.
 * A request without a body passes (a heartbeat with no body means "no stats"). A plain middleware
 * rather than an interceptor: it runs on every request, and interceptors cost an rxjs pipeline each.
 */
export function requireJsonBody(req: Request, _res: Response, next: NextFunction): void {
  // req.is() answers null when there is no body, false when the body has another type. It counts
  // `Content-Length: 0` as a body, which many clients send with an empty PUT.
  const empty = req.headers['content-length'] === '0';
  if (!empty && req.is('application/json') === false) {
    throw new InvalidInputError(
      `the body must be JSON (Content-Type: application/json), not ${req.headers['content-type'] ?? 'untyped'}`,
    );
  }
  next();
}
