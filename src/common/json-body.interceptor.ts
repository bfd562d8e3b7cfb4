import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { InvalidInputError } from './errors.js';

/**
 * Refuses a request body that is not JSON. Without this a `text/plain` body is simply not parsed,
 * and a heartbeat (whose fields are all optional) would be accepted with its stats silently lost.
 * A request without a body passes (a heartbeat with no body means "no stats"). Global (AppModule).
 */
@Injectable()
export class JsonBodyInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<Request>();
    // req.is() answers null when there is no body, false when the body has another type. It counts
    // `Content-Length: 0` as a body, which many clients send with an empty PUT.
    const empty = req.headers['content-length'] === '0';
    if (!empty && req.is('application/json') === false) {
      throw new InvalidInputError(
        `the body must be JSON (Content-Type: application/json), not ${req.headers['content-type'] ?? 'untyped'}`,
      );
    }
    return next.handle();
  }
}
