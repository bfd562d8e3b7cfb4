import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { STATUS_CODES } from 'node:http';
import { DomainError } from './errors.js';

/** The JSON body of every error answer, on every role. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  [extra: string]: unknown;
}

/**
 * The one place where failures become HTTP answers: domain errors, Nest's HTTP exceptions
 * (validation, guards, unknown routes), express body-parser errors, and anything unexpected,
 * which becomes a 500 with no internals in the body (the stack goes to the log only).
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const { body, headers } = errorAnswer(exception, this.logger);
    if (res.headersSent) return;
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    res.status(body.statusCode).json(body);
  }
}

/**
 * The answer to a failure (also used by the fast lanes, which answer outside Nest). Something
 * unexpected is logged with its stack, which never goes into the body.
 */
export function errorAnswer(exception: unknown, logger: Logger): { body: ErrorBody; headers: Record<string, string> } {
  const answer = toResponse(exception);
  if (answer.body.statusCode >= 500 && !(exception instanceof DomainError)) {
    logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
  }
  return answer;
}

function toResponse(exception: unknown): { body: ErrorBody; headers: Record<string, string> } {
  if (exception instanceof DomainError) {
    return {
      body: { ...make(exception.status, exception.message), ...exception.details },
      headers: exception.headers,
    };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    const message =
      typeof response === 'string'
        ? response
        : (joinMessage((response as { message?: unknown }).message) ?? exception.message);
    return { body: make(status, message), headers: {} };
  }
  // express/body-parser errors carry an http status and a type (entity.parse.failed, entity.too.large …)
  const httpish = exception as { status?: unknown; statusCode?: unknown; type?: unknown; message?: unknown };
  const status = typeof httpish?.status === 'number' ? httpish.status : httpish?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const message =
      httpish.type === 'entity.parse.failed'
        ? `malformed JSON body: ${String(httpish.message)}`
        : httpish.type === 'entity.too.large'
          ? 'request body too large'
          : String(httpish.message ?? STATUS_CODES[status]);
    return { body: make(status, message), headers: {} };
  }
  return { body: make(500, 'internal error'), headers: {} };
}

function make(statusCode: number, message: string): ErrorBody {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message };
}

function joinMessage(message: unknown): string | undefined {
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : undefined;
}
