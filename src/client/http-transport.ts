import { ConnectionError, DistributedDbError, errorForStatus, fallbackErrorBody } from './errors.js';
import type { ErrorBody } from './types.js';

/**
 * One HTTP exchange with the leader, with no retries: builds the URL and headers, applies the
 * timeout, and turns every failure into a DistributedDbError (an HTTP error answer into its
 * typed class, a missing answer into a ConnectionError).
 */

export interface TransportOptions {
  url: string;
  token?: string;
  timeoutMs: number;
  fetch: typeof fetch;
}

export interface HttpRequest {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  /** Already encoded, starting with '/'. */
  path: string;
  query?: URLSearchParams;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface HttpAnswer {
  status: number;
  /** The parsed JSON body; null when the answer had none (204). */
  body: unknown;
}

// The connection was never established, so the request cannot have reached the server.
const NEVER_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

export class HttpTransport {
  private readonly base: string;

  constructor(private readonly options: TransportOptions) {
    let parsed: URL;
    try {
      parsed = new URL(options.url);
    } catch {
      throw new TypeError(`not a URL: ${JSON.stringify(options.url)}`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new TypeError(`not an http(s) URL: ${JSON.stringify(options.url)}`);
    }
    // A path prefix (a leader behind a proxy at /db) is kept; query and fragment are not.
    this.base = `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
  }

  get url(): string {
    return this.base;
  }

  async send(request: HttpRequest): Promise<HttpAnswer> {
    const search = request.query?.toString() ?? '';
    const query = search === '' ? '' : `?${search}`;
    const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    if (request.body !== undefined) headers['content-type'] = 'application/json';

    let status: number;
    let text: string;
    let retryAfter: string | null;
    try {
      // The timeout covers the whole exchange, body included.
      const response = await this.options.fetch(`${this.base}${request.path}${query}`, {
        method: request.method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      status = response.status;
      retryAfter = response.headers.get('retry-after');
      text = await response.text();
    } catch (error) {
      throw this.connectionError(error);
    }

    const body = parseJson(text);
    if (status >= 400) throw errorForStatus(status, asErrorBody(status, body, text), parseRetryAfter(retryAfter));
    if (text !== '' && body === undefined) {
      throw new DistributedDbError(`the server answered ${status} with a body that is not JSON`, status, null);
    }
    return { status, body: body ?? null };
  }

  private connectionError(error: unknown): ConnectionError {
    // Duck-typed rather than instanceof: fetch's errors may come from another realm (a vm, a test runner).
    if (field(error, 'name') === 'TimeoutError') {
      return new ConnectionError(`no answer from ${this.base} within ${this.options.timeoutMs} ms`, 'ETIMEDOUT', true, {
        cause: error,
      });
    }
    const cause = field(error, 'cause');
    const code = errorCode(cause) ?? errorCode(error) ?? 'UNKNOWN';
    const message = [field(cause, 'message'), field(error, 'message')].find((m): m is string => typeof m === 'string');
    const detail = message ?? 'fetch failed';
    return new ConnectionError(`cannot reach ${this.base}: ${detail}`, code, !NEVER_SENT.has(code), { cause: error });
  }
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

function errorCode(error: unknown): string | undefined {
  const code = field(error, 'code');
  if (typeof code === 'string') return code;
  // net's happy-eyeballs connect fails with an AggregateError holding one error per address.
  const errors = field(error, 'errors');
  return Array.isArray(errors) ? errorCode(errors[0]) : undefined;
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function asErrorBody(status: number, body: unknown, text: string): ErrorBody {
  if (typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string') {
    return { ...fallbackErrorBody(status, ''), ...(body as ErrorBody) };
  }
  return fallbackErrorBody(status, text);
}

/** Retry-After in seconds (the form the leader sends); an HTTP date is ignored. */
function parseRetryAfter(value: string | null): number | undefined {
  if (value === null || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value.trim()) * 1000;
}
