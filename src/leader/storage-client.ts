import { HttpService } from '@nestjs/axios';
import { Inject, Injectable } from '@nestjs/common';
import { isAxiosError } from 'axios';
import { firstValueFrom } from 'rxjs';
import { bearerHeader } from '../common/bearer.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { currentRequestId, REQUEST_ID_HEADER } from '../observability/request-context.js';
import type { AssignmentDto, InventoryDto } from '../storage/dto/inventory.dto.js';
import type { OpDto, OpResultDto } from '../storage/dto/ops.dto.js';
import type { ScanRequestDto, ScanResponseDto } from '../storage/dto/scan.dto.js';

const STALE_SOCKET = new Set(['ECONNRESET', 'EPIPE', 'socket hang up']);

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
 * The leader's client for the storage nodes' internal API, with the cluster secret, a timeout and
 * keep-alive connections. A provider of its own so tests can put in-process nodes behind it.
 */
@Injectable()
export class StorageClient {
  constructor(
    private readonly http: HttpService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async ops(url: string, ops: OpDto[]): Promise<OpResultDto[]> {
    return (await this.call<{ results: OpResultDto[] }>(url, 'POST', '/internal/ops', { ops })).results;
  }

  async scan(url: string, request: ScanRequestDto): Promise<ScanResponseDto> {
    return this.call<ScanResponseDto>(url, 'POST', '/internal/scan', request);
  }

  async assign(url: string, partition: number, assignment: AssignmentDto): Promise<void> {
    await this.call(url, 'PUT', `/internal/partitions/${partition}/assignment`, assignment);
  }

  async drop(url: string, partition: number, current: AssignmentDto): Promise<void> {
    await this.call(url, 'POST', `/internal/partitions/${partition}/drop`, current);
  }

  async purge(url: string, partition: number, tombstones: { key: string; revision: number }[]): Promise<number> {
    return (await this.call<{ purged: number }>(url, 'POST', `/internal/partitions/${partition}/purge`, { tombstones })).purged;
  }

  async setDraining(url: string, draining: boolean): Promise<void> {
    await this.call(url, 'PUT', '/internal/draining', { draining });
  }

  async inventory(url: string): Promise<InventoryDto> {
    return this.call<InventoryDto>(url, 'GET', '/internal/inventory');
  }

  /**
   * One retry when a pooled keep-alive socket turns out to be closed (ECONNRESET before any answer).
   * Safe for every call here: reads have no effect, and a write carries its revision, so applying
   * it twice is the same as once (storage-engine.ts).
   */
  private async call<T>(url: string, method: string, path: string, data?: unknown): Promise<T> {
    try {
      return await this.callOnce<T>(url, method, path, data);
    } catch (error) {
      if (error instanceof NodeUnreachableError && STALE_SOCKET.has(error.message)) {
        return this.callOnce<T>(url, method, path, data);
      }
      throw error;
    }
  }

  /** The cluster secret, and the id of the client request this call serves, if any (for the logs). */
  private headers(): Record<string, string> {
    const requestId = currentRequestId();
    const headers = bearerHeader(this.config.clusterSecret);
    return requestId ? { ...headers, [REQUEST_ID_HEADER]: requestId } : headers;
  }

  private async callOnce<T>(url: string, method: string, path: string, data?: unknown): Promise<T> {
    try {
      const response = await firstValueFrom(
        this.http.request<T>({
          method,
          url: `${url}${path}`,
          data,
          timeout: this.config.requestTimeoutMs,
          headers: this.headers(),
        }),
      );
      return response.data;
    } catch (error) {
      if (isAxiosError(error) && error.response && error.response.status < 500) {
        throw new NodeRejectedError(error.response.status, error.response.data);
      }
      const reason = isAxiosError(error)
        ? error.response
          ? `answered ${error.response.status}`
          : (error.code ?? error.message)
        : String(error);
      throw new NodeUnreachableError(url, reason);
    }
  }
}
