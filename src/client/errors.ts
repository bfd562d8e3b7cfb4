import { STATUS_CODES } from 'node:http';
import type { ErrorBody } from './types.js';

/**
 * What the SDK throws. Every failure is a DistributedDbError carrying the HTTP status and the
 * server's JSON error body; the subclasses name the cases a caller reacts to differently.
 */
export class DistributedDbError extends Error {
  constructor(
    message: string,
    /** The HTTP status of the answer; 0 when there was no answer (see ConnectionError). */
    readonly status: number,
    /** The server's error body; null when there was no answer or the check failed in the client. */
    readonly body: ErrorBody | null,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** 404: the key does not exist. */
export class NotFoundError extends DistributedDbError {
  constructor(body: ErrorBody) {
    super(body.message, 404, body);
  }
}

/** 412: a conditional write found another revision (or, for "create only", an existing key). */
export class PreconditionFailedError extends DistributedDbError {
  /** The key's revision when the write was refused; null when the key does not exist. */
  readonly currentRevision: number | null;

  constructor(body: ErrorBody) {
    super(body.message, 412, body);
    this.currentRevision = typeof body.currentRevision === 'number' ? body.currentRevision : null;
  }
}

/** 503: the key's partition (or the whole service) cannot answer right now; try again later. */
export class UnavailableError extends DistributedDbError {
  /**
   * For a write: "not-applied" when the leader failed before asking any replica to store it (safe
   * to repeat, even a conditional write), "unknown" when it may have been stored; undefined for a
   * read, or from a server that does not say.
   */
  readonly outcome: 'not-applied' | 'unknown' | undefined;

  constructor(
    body: ErrorBody,
    /** The server's Retry-After hint, when it sent one. */
    readonly retryAfterMs: number | undefined,
  ) {
    super(body.message, 503, body);
    this.outcome = body.outcome === 'not-applied' || body.outcome === 'unknown' ? body.outcome : undefined;
  }
}

/** 401/403: the API token is missing or wrong. */
export class UnauthorizedError extends DistributedDbError {}

/** 400/413: the key, value or request is invalid (also raised by the client's own checks, with status 400). */
export class BadRequestError extends DistributedDbError {
  /** An invalid argument caught before any request was sent. */
  static local(message: string): BadRequestError {
    return new BadRequestError(message, 400, null);
  }
}

/**
 * The request got no HTTP answer: connection refused, reset, DNS failure or timeout. status is 0.
 * `mayHaveReachedServer` is false only when the request certainly never left (refused, DNS): a
 * write that failed that way was not applied. Otherwise the outcome is unknown.
 */
export class ConnectionError extends DistributedDbError {
  constructor(
    message: string,
    /** ECONNREFUSED, ECONNRESET, ETIMEDOUT, ENOTFOUND, UND_ERR_SOCKET, … */
    readonly code: string,
    readonly mayHaveReachedServer: boolean,
    options?: ErrorOptions,
  ) {
    super(message, 0, null, options);
  }
}

/** Maps an HTTP error answer to the error class a caller catches. */
export function errorForStatus(status: number, body: ErrorBody, retryAfterMs?: number): DistributedDbError {
  switch (status) {
    case 400:
    case 413:
      return new BadRequestError(body.message, status, body);
    case 401:
    case 403:
      return new UnauthorizedError(body.message, status, body);
    case 404:
      return new NotFoundError(body);
    case 412:
      return new PreconditionFailedError(body);
    case 503:
      return new UnavailableError(body, retryAfterMs);
    default:
      return new DistributedDbError(body.message, status, body);
  }
}

/** The body to use when an error answer is not the API's JSON (a proxy's HTML page, an empty body). */
export function fallbackErrorBody(status: number, text: string): ErrorBody {
  const error = STATUS_CODES[status] ?? 'Error';
  const snippet = text.trim().replace(/\s+/g, ' ').slice(0, 200);
  return {
    statusCode: status,
    error,
    message: snippet === '' ? `HTTP ${status} ${error}` : `HTTP ${status}: ${snippet}`,
  };
}
