import { BadRequestError, DistributedDbError } from './errors.js';
import { HttpTransport, type HttpRequest } from './http-transport.js';
import { assertKeyShape, keyPath } from './key-path.js';
import { withRetries, type CallKind, type RetryPolicy } from './retry-policy.js';
import type {
  ClusterInfo,
  DrainStatus,
  DeleteOptions,
  IterateOptions,
  KvEntry,
  ListItem,
  ListOptions,
  ListPage,
  PutOptions,
  PutResult,
} from './types.js';

/**
 * The SDK for the leader's public API. Which failures are retried (exponential backoff with full
 * jitter, `retries` times) follows from what a repeated request could do to the data:
 *
 * - Reads (get, list, listPages, iterate, cluster) are retried on 503 and on every connection failure
 *   (refused, reset, timeout): repeating a read changes nothing.
 * - Unconditional put/delete are retried on 503 and on connection-refused/DNS failures, but not
 *   after a reset or a timeout: the request may have been applied, and a repeat would write a
 *   second revision (put) or answer 404 for a delete that did happen. A 503 normally means the
 *   write was not applied, but not always: the leader may have given up on a replica that did
 *   apply it. Then the retried put creates one extra revision with the same value, and a retried
 *   delete may throw NotFoundError although the key is gone as asked.
 * - Conditional writes (ifMatch, ifNoneMatch, compareAndSet) are retried only when the write
 *   certainly was not applied: the request never reached the server (connection refused, DNS),
 *   or a 503 says `outcome: "not-applied"` (the leader failed before asking any replica). After
 *   any other 503, a reset or a timeout the write may have been applied, and the repeat would then
 *   fail with 412 and report a conflict for what was in fact a success. The caller should read the
 *   key back and decide (UnavailableError.outcome tells which 503 it was).
 *
 * The error thrown after the last attempt is the last failure (UnavailableError, ConnectionError …).
 */

export interface DistributedDbClientOptions {
  /** The leader's base URL, e.g. http://127.0.0.1:4000. */
  url: string;
  /** The API token, sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Per attempt, for the whole exchange. Default 10 000. */
  timeoutMs?: number;
  /** Retries after the first attempt. Default 3. */
  retries?: number;
  /** Backoff ceiling before the first retry; doubles each retry. Default 100. */
  retryBaseDelayMs?: number;
  /** Upper bound for one backoff wait, also for a server's Retry-After hint. Default 2000. */
  retryMaxDelayMs?: number;
  /** Replaces the global fetch (instrumentation, tests). */
  fetch?: typeof fetch;
}

/** A listing page size the server always accepts. */
const DEFAULT_PAGE_SIZE = 100;

export class DistributedDbClient {
  private readonly transport: HttpTransport;
  private readonly policy: RetryPolicy;

  constructor(options: DistributedDbClientOptions) {
    this.transport = new HttpTransport({
      url: options.url,
      token: options.token,
      timeoutMs: options.timeoutMs ?? 10_000,
      fetch: options.fetch ?? globalThis.fetch,
    });
    this.policy = {
      retries: options.retries ?? 3,
      baseDelayMs: options.retryBaseDelayMs ?? 100,
      maxDelayMs: options.retryMaxDelayMs ?? 2000,
    };
  }

  /** The leader URL requests go to (normalised). */
  get url(): string {
    return this.transport.url;
  }

  /** The key's value and revision; throws NotFoundError when the key does not exist. */
  async get(key: string): Promise<KvEntry> {
    const { body } = await this.call('read', { method: 'GET', path: keyPath(key) });
    return body as KvEntry;
  }

  /** Writes the value; with ifMatch/ifNoneMatch only under that condition (else PreconditionFailedError). */
  async put(key: string, value: string, options: PutOptions = {}): Promise<PutResult> {
    const path = keyPath(key);
    if (typeof value !== 'string') throw BadRequestError.local('value must be a string');
    if (options.ifMatch !== undefined && options.ifNoneMatch) {
      throw BadRequestError.local('ifMatch and ifNoneMatch cannot be combined');
    }
    const headers = conditionHeaders(options.ifMatch);
    if (options.ifNoneMatch) headers['if-none-match'] = '*';
    const conditional = options.ifMatch !== undefined || options.ifNoneMatch === true;
    const { status, body } = await this.call(conditional ? 'conditional-write' : 'unconditional-write', {
      method: 'PUT',
      path,
      headers,
      body: { value },
    });
    const { revision } = body as { revision: number };
    return { key, revision, created: status === 201 };
  }

  /** Deletes the key; throws NotFoundError when it does not exist. */
  async delete(key: string, options: DeleteOptions = {}): Promise<void> {
    const path = keyPath(key);
    const kind = options.ifMatch === undefined ? 'unconditional-write' : 'conditional-write';
    await this.call(kind, { method: 'DELETE', path, headers: conditionHeaders(options.ifMatch) });
  }

  /**
   * Writes the value only if the key is still at `expectedRevision`, or, with null, only if the
   * key does not exist. A PreconditionFailedError carries the revision found instead.
   */
  async compareAndSet(key: string, expectedRevision: number | null, value: string): Promise<PutResult> {
    return expectedRevision === null
      ? this.put(key, value, { ifNoneMatch: true })
      : this.put(key, value, { ifMatch: expectedRevision });
  }

  /** One page of keys in key order. */
  async list(options: ListOptions = {}): Promise<ListPage> {
    const query = new URLSearchParams();
    if (options.prefix !== undefined && options.prefix !== '') {
      assertKeyShape(options.prefix, 'prefix');
      query.set('prefix', options.prefix);
    }
    if (options.limit !== undefined) query.set('limit', String(positiveInteger('limit', options.limit)));
    if (options.cursor !== undefined) query.set('cursor', options.cursor);
    if (options.values) query.set('values', 'true');
    const { body } = await this.call('read', { method: 'GET', path: '/kv', query });
    return body as ListPage;
  }

  /**
   * The listing as an async iterator over pages, in key order: each step fetches the next page
   * with the previous page's cursor, so a loop over a huge prefix holds one page at a time.
   */
  async *listPages(options: IterateOptions = {}): AsyncGenerator<ListPage, void, undefined> {
    const limit = options.pageSize ?? DEFAULT_PAGE_SIZE;
    let cursor: string | undefined;
    do {
      const page = await this.list({ prefix: options.prefix, limit, values: options.values, cursor });
      yield page;
      if (page.nextCursor !== null && page.nextCursor === cursor) {
        throw new DistributedDbError('the server returned the same cursor twice; stopping the listing', 200, null);
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
  }

  /** Every key under the prefix, in key order, fetching page after page as the loop advances. */
  async *iterate(options: IterateOptions = {}): AsyncGenerator<ListItem, void, undefined> {
    for await (const page of this.listPages(options)) yield* page.items;
  }

  /** Drains a storage node (undo: false gives it replicas again). Idempotent, so retried like a read. */
  async drain(nodeId: string, undo = false): Promise<DrainStatus> {
    const path = `/cluster/nodes/${encodeURIComponent(nodeId)}/drain`;
    const { body } = await this.call('read', { method: undo ? 'DELETE' : 'POST', path });
    return body as DrainStatus;
  }

  /** The leader's view of the cluster: nodes, partitions and their health. */
  async cluster(): Promise<ClusterInfo> {
    const { body } = await this.call('read', { method: 'GET', path: '/cluster' });
    return body as ClusterInfo;
  }

  private call(kind: CallKind, request: HttpRequest): ReturnType<HttpTransport['send']> {
    return withRetries(kind, this.policy, () => this.transport.send(request));
  }
}

function conditionHeaders(ifMatch: number | undefined): Record<string, string> {
  if (ifMatch === undefined) return {};
  return { 'if-match': `"${nonNegativeInteger('ifMatch', ifMatch)}"` };
}

function nonNegativeInteger(name: string, n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) throw BadRequestError.local(`${name} must be a non-negative integer`);
  return n;
}

function positiveInteger(name: string, n: number): number {
  if (!Number.isSafeInteger(n) || n < 1) throw BadRequestError.local(`${name} must be a positive integer`);
  return n;
}
