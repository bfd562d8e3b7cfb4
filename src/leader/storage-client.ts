import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Pool } from 'undici';
import { bearerHeader } from '../common/bearer.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { REQUEST_ID_HEADER } from '../observability/request-context.js';
import type { AssignmentDto, InventoryDto } from '../storage/dto/inventory.dto.js';
import type { OpDto, OpResultDto } from '../storage/dto/ops.dto.js';
import type { ScanRequestDto, ScanResponseDto } from '../storage/dto/scan.dto.js';
import { OpBatcher } from './op-batcher.js';

/** Errors of a pooled keep-alive socket the node had closed before the request went out. */
const STALE_SOCKET = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);
/** Keep-alive connections per storage node; more requests than this queue in the pool. */
const CONNECTIONS_PER_NODE = 16;
/** Ops per internal request at most (the node takes up to MAX_OPS_PER_BATCH). */
const MAX_BATCH = 256;
/** Batches to one node unanswered at once; beyond that the next batch grows (op-batcher.ts). */
const MAX_BATCHES_IN_FLIGHT = 2;
/** The request ids of a batch travel joined in one header, cut to this length. */
const MAX_REQUEST_ID_HEADER = 1024;

/** A storage node could not be reached, timed out, or failed: the caller decides what that means. */
export class NodeUnreachableError extends Error {
  constructor(
    readonly nodeUrl: string,
    reason: string,
  ) {
    super(reason);
  }
}

/** A storage node refused a request (4xx): a bug or a stale view, never retried blindly. */
export class NodeRejectedError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`storage node answered ${status}: ${JSON.stringify(body)}`);
  }
}

/**
 * The leader's data plane to the storage nodes' internal API: an undici Pool of keep-alive
 * connections per node, the cluster secret, a timeout on every call, and the request ids of the
 * client requests being served. Single ops (the client path) go through an OpBatcher, so the ops
 * for one node in one event-loop turn share one request. A provider of its own so tests can put
 * in-process nodes behind it.
 */
@Injectable()
export class StorageClient implements OnModuleDestroy {
  private readonly pools = new Map<string, Pool>();
  private readonly batcher: OpBatcher;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.batcher = new OpBatcher((url, ops, ids) => this.sendOps(url, ops, ids), {
      maxOps: MAX_BATCH,
      // Within the node's JSON body limit whatever the values hold (see BatchLimits).
      maxBytes: config.maxValueBytes,
      maxInFlight: MAX_BATCHES_IN_FLIGHT,
    });
  }

  async onModuleDestroy(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((pool) => pool.destroy()));
  }

  /**
   * One op, batched with the other ops for the same node in this turn of the event loop.
   * `requestId`: the client request it serves, if any (travels in X-Request-Id, for the logs).
   */
  op(url: string, op: OpDto, requestId?: string): Promise<OpResultDto> {
    return this.batcher.submit(url, op, requestId);
  }

  /** Several ops in one request, as given (bulk work: copies, purges). */
  async ops(url: string, ops: OpDto[]): Promise<OpResultDto[]> {
    return this.sendOps(url, ops, []);
  }

  async scan(url: string, request: ScanRequestDto, requestId?: string): Promise<ScanResponseDto> {
    return this.call<ScanResponseDto>(url, 'POST', '/internal/scan', request, idsOf(requestId));
  }

  async assign(url: string, partition: number, assignment: AssignmentDto): Promise<void> {
    await this.call(url, 'PUT', `/internal/partitions/${partition}/assignment`, assignment);
  }

  async drop(url: string, partition: number, current: AssignmentDto): Promise<void> {
    await this.call(url, 'POST', `/internal/partitions/${partition}/drop`, current);
  }

  async purge(url: string, partition: number, tombstones: { key: string; revision: number }[]): Promise<number> {
    return (await this.call<{ purged: number }>(url, 'POST', `/internal/partitions/${partition}/purge`, { tombstones }))
      .purged;
  }

  async setDraining(url: string, draining: boolean): Promise<void> {
    await this.call(url, 'PUT', '/internal/draining', { draining });
  }

  async inventory(url: string): Promise<InventoryDto> {
    return this.call<InventoryDto>(url, 'GET', '/internal/inventory');
  }

  private async sendOps(url: string, ops: OpDto[], requestIds: string[]): Promise<OpResultDto[]> {
    return (await this.call<{ results: OpResultDto[] }>(url, 'POST', '/internal/ops', { ops }, requestIds)).results;
  }

  /**
   * One retry when a pooled keep-alive socket turns out to be closed (before any answer).
   * Safe for every call here: reads have no effect, and a write carries its revision, so applying
   * it twice is the same as once (storage-engine.ts).
   */
  private async call<T>(
    url: string,
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    data?: unknown,
    requestIds?: string[],
  ): Promise<T> {
    const body = data === undefined ? undefined : JSON.stringify(data);
    const headers = this.headers(body !== undefined, requestIds ?? []);
    try {
      return await this.callOnce<T>(url, method, path, headers, body);
    } catch (error) {
      if (error instanceof NodeUnreachableError && STALE_SOCKET.has(error.message)) {
        return this.callOnce<T>(url, method, path, headers, body);
      }
      throw error;
    }
  }

  /** The cluster secret, and the ids of the client requests this call serves, if any (for the logs). */
  private headers(json: boolean, requestIds: string[]): Record<string, string> {
    const headers = bearerHeader(this.config.clusterSecret);
    if (json) headers['content-type'] = 'application/json';
    if (requestIds.length > 0) headers[REQUEST_ID_HEADER] = joinIds(requestIds);
    return headers;
  }

  private async callOnce<T>(
    url: string,
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<T> {
    let answer;
    try {
      answer = await this.pool(url).request({ method, path, headers, body });
    } catch (error) {
      throw new NodeUnreachableError(url, (error as { code?: string }).code ?? (error as Error).message);
    }
    let text: string;
    try {
      text = await answer.body.text();
    } catch (error) {
      throw new NodeUnreachableError(url, (error as { code?: string }).code ?? (error as Error).message);
    }
    if (answer.statusCode >= 500) throw new NodeUnreachableError(url, `answered ${answer.statusCode}`);
    const parsed: unknown = text === '' ? undefined : JSON.parse(text);
    if (answer.statusCode >= 400) throw new NodeRejectedError(answer.statusCode, parsed);
    return parsed as T;
  }

  private pool(url: string): Pool {
    let pool = this.pools.get(url);
    if (!pool) {
      const timeout = this.config.requestTimeoutMs;
      pool = new Pool(url, {
        connections: CONNECTIONS_PER_NODE,
        connect: { timeout },
        headersTimeout: timeout,
        bodyTimeout: timeout,
        // Below the storage node's keep-alive timeout (65 s, bootstrap.ts), so the node never
        // closes a socket the pool is about to reuse.
        keepAliveTimeout: 30_000,
        keepAliveMaxTimeout: 30_000,
      });
      this.pools.set(url, pool);
    }
    return pool;
  }
}

function idsOf(requestId: string | undefined): string[] {
  return requestId === undefined ? [] : [requestId];
}

/** The ids joined by commas, as many as fit in MAX_REQUEST_ID_HEADER. */
function joinIds(ids: string[]): string {
  let joined = ids[0].slice(0, MAX_REQUEST_ID_HEADER);
  for (const id of ids.slice(1)) {
    if (joined.length + 1 + id.length > MAX_REQUEST_ID_HEADER) break;
    joined += `,${id}`;
  }
  return joined;
}
