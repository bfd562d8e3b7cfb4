/**
 * Domain errors. Services throw these; the one exception filter (http-exception.filter.ts) maps
 * each to an HTTP status and the JSON error body. Nothing here knows about HTTP beyond the status.
 */
export abstract class DomainError extends Error {
  abstract readonly status: number;
  /** Extra fields for the JSON body (for example the current revision on a 412). */
  readonly details: Record<string, unknown> = {};
  /** Extra response headers (for example Retry-After on a 503). */
  readonly headers: Record<string, string> = {};
}

export class InvalidInputError extends DomainError {
  readonly status = 400;
}

export class PayloadTooLargeError extends DomainError {
  readonly status = 413;
}

export class KeyNotFoundError extends DomainError {
  readonly status = 404;
  constructor(readonly key: string) {
    super(`key ${JSON.stringify(key)} not found`);
  }
}

export class NodeNotFoundError extends DomainError {
  readonly status = 404;
  constructor(readonly id: string) {
    super(`node ${JSON.stringify(id)} is not registered`);
  }
}

export class PreconditionFailedError extends DomainError {
  readonly status = 412;
  constructor(message: string, currentRevision: number | null) {
    super(message);
    this.details.currentRevision = currentRevision;
  }
}

/** A partition cannot be served right now (its node is down, unreachable or not yet known). */
export class PartitionUnavailableError extends DomainError {
  readonly status = 503;
  constructor(message: string, partition?: number, retryAfterSeconds = 1) {
    super(message);
    if (partition !== undefined) this.details.partition = partition;
    this.headers['Retry-After'] = String(retryAfterSeconds);
  }
}

/** The whole service cannot answer yet (for example the leader has not rebuilt its table). */
export class ServiceUnavailableError extends DomainError {
  readonly status = 503;
  constructor(message: string, retryAfterSeconds = 1) {
    super(message);
    this.headers['Retry-After'] = String(retryAfterSeconds);
  }
}

/** A request carries an epoch older than the one already recorded (Generation Clock). */
export class StaleEpochError extends DomainError {
  readonly status = 409;
  constructor(message: string, currentEpoch: number) {
    super(message);
    this.details.currentEpoch = currentEpoch;
  }
}
