import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  KeyNotFoundError,
  PartitionUnavailableError,
  PreconditionFailedError,
  ServiceUnavailableError,
} from '../common/errors.js';
import { partitionOf } from '../common/hash.js';
import { KeyedMutex } from '../common/keyed-mutex.js';
import { assertValidKey, assertValidPrefix, assertValidValue } from '../common/keys.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { OpDto, OpResultDto, RecordDto } from '../storage/dto/ops.dto.js';
import { ClusterStateService } from './cluster-state.service.js';
import type { KeyValueDto, ListResultDto } from './dto/kv.dto.js';
import { decodeCursor, encodeCursor } from './list-cursor.js';
import { PlacementService } from './placement.service.js';
import type { Placement } from './placement/partition-table.js';
import { NodeUnreachableError, StorageClient } from './storage-client.js';

export interface WriteConditions {
  /** Write only if the key's current revision is this one. */
  ifMatch?: number;
  /** Write only if the key does not exist. */
  ifNoneMatch?: boolean;
}

export interface PutOutcome {
  key: string;
  revision: number;
  created: boolean;
}

export interface ListRequest {
  prefix: string;
  limit: number;
  cursor?: string;
  values: boolean;
}

/**
 * The public key/value operations. A key lives in partition stableHash(key) mod PARTITIONS, and the
 * partition on the node the table says. Writes of one key are serialised here (there is one
 * leader), so a conditional write's check and its write cannot interleave with another write of
 * the same key, and the revision a write gets is also the order it is applied in.
 */
@Injectable()
export class KvService {
  private readonly logger = new Logger('Kv');
  private readonly keyLocks = new KeyedMutex();

  constructor(
    private readonly state: ClusterStateService,
    private readonly placement: PlacementService,
    private readonly storage: StorageClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async get(key: string): Promise<KeyValueDto> {
    assertValidKey(key);
    const record = await this.read(key);
    if (!record || record.value === null) throw new KeyNotFoundError(key);
    return { key, value: record.value, revision: record.revision };
  }

  async put(key: string, value: unknown, conditions: WriteConditions = {}): Promise<PutOutcome> {
    assertValidKey(key);
    assertValidValue(value, this.config.maxValueBytes);
    return this.keyLocks.run(key, async () => {
      if (conditions.ifMatch !== undefined || conditions.ifNoneMatch) {
        checkConditions(key, await this.read(key), conditions);
      }
      const { revision, previous } = await this.write(key, value);
      return { key, revision, created: previous === null || previous.value === null };
    });
  }

  async delete(key: string, conditions: Pick<WriteConditions, 'ifMatch'> = {}): Promise<void> {
    assertValidKey(key);
    await this.keyLocks.run(key, async () => {
      // Read first so that deleting an absent key is a 404 that writes nothing (no stray tombstones).
      const current = await this.read(key);
      checkConditions(key, current, conditions);
      if (!current || current.value === null) throw new KeyNotFoundError(key);
      await this.write(key, null);
    });
  }

  async list(request: ListRequest): Promise<ListResultDto> {
    assertValidPrefix(request.prefix);
    const after = request.cursor === undefined ? undefined : decodeCursor(request.cursor);
    this.assertReady();
    this.assertAllPartitionsKnown();
    const byNode = new Map<string, number[]>();
    for (const [partition, placement] of this.state.table.placed()) {
      const owner = placement.replicas[0];
      byNode.set(owner, [...(byNode.get(owner) ?? []), partition]);
    }
    const pages = await Promise.all(
      [...byNode].map(async ([nodeId, partitions]) => {
        const url = this.reachableUrl(nodeId, partitions[0]);
        try {
          return await this.storage.scan(url, {
            partitions,
            prefix: request.prefix,
            after,
            limit: request.limit,
            values: request.values,
          });
        } catch (error) {
          throw this.unavailable(partitions[0], nodeId, error, `listing needs partitions ${partitions.join(',')}`);
        }
      }),
    );
    const merged = pages.flatMap((p) => p.items).sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
    const items = merged.slice(0, request.limit).map(({ key, revision, value }) =>
      request.values ? { key, revision, value: value ?? '' } : { key, revision },
    );
    const more = merged.length > request.limit || pages.some((p) => p.more);
    return { items, nextCursor: more && items.length > 0 ? encodeCursor(items[items.length - 1].key) : null };
  }

  /** The key's current record on its owner (a tombstone counts as a record), or null. */
  private async read(key: string): Promise<RecordDto | null> {
    this.assertReady();
    const partition = partitionOf(key, this.config.partitions);
    const placement = this.state.table.get(partition);
    if (!placement) {
      this.assertAllPartitionsKnown(partition);
      return null;
    }
    const [result] = await this.send(partition, placement, [{ type: 'get', partition, key }]);
    return result.record ?? null;
  }

  private async write(key: string, value: string | null): Promise<{ revision: number; previous: RecordDto | null }> {
    this.assertReady();
    const partition = partitionOf(key, this.config.partitions);
    const placement = await this.placement.ensurePlaced(partition);
    const revision = this.state.clock.next();
    const op: OpDto =
      value === null
        ? { type: 'delete', partition, key, revision }
        : { type: 'put', partition, key, value, revision };
    const [result] = await this.send(partition, placement, [op]);
    if (result.applied === false) {
      // Only possible if the node held a revision the leader had not observed: learn it, refuse.
      this.state.clock.observe(result.previous?.revision ?? 0);
      throw new PartitionUnavailableError(`partition ${partition}: the write raced a newer revision; retry`, partition);
    }
    return { revision, previous: result.previous ?? null };
  }

  private async send(partition: number, placement: Placement, ops: OpDto[]): Promise<OpResultDto[]> {
    const owner = placement.replicas[0];
    const url = this.reachableUrl(owner, partition);
    let results: OpResultDto[];
    try {
      results = await this.storage.ops(url, ops);
    } catch (error) {
      throw this.unavailable(partition, owner, error);
    }
    const failed = results.find((r) => r.error);
    if (failed?.error === 'not-owner') {
      void this.state.refresh();
      throw new PartitionUnavailableError(`partition ${partition}: ${failed.message}; the leader is refreshing its table`, partition);
    }
    if (failed) throw new Error(`storage node ${owner} rejected an op: ${failed.message}`);
    return results;
  }

  private reachableUrl(nodeId: string, partition: number): string {
    const node = this.state.node(nodeId);
    if (!node) throw new PartitionUnavailableError(`partition ${partition} is on ${nodeId}, which is not known`, partition);
    if (node.status === 'DOWN') {
      throw new PartitionUnavailableError(
        `partition ${partition} is on storage node ${nodeId}, which is DOWN`,
        partition,
        Math.ceil(this.config.heartbeatIntervalMs / 1000),
      );
    }
    return node.url;
  }

  private unavailable(partition: number, nodeId: string, error: unknown, context = ''): Error {
    if (!(error instanceof NodeUnreachableError)) return error as Error;
    this.logger.warn(`storage node ${nodeId} unreachable for partition ${partition}: ${error.message}`);
    return new PartitionUnavailableError(
      `partition ${partition} is on storage node ${nodeId}, which is unreachable (${error.message})${context ? `; ${context}` : ''}`,
      partition,
    );
  }

  private assertReady(): void {
    if (!this.state.ready) {
      throw new ServiceUnavailableError('the leader is starting: it is rebuilding its partition table from the storage nodes');
    }
  }

  /** With a storage node unheard from, "not placed" may just mean "placed on that node". */
  private assertAllPartitionsKnown(partition?: number): void {
    const unreported = this.state.unreportedNodes();
    if (unreported.length === 0) return;
    const what = partition === undefined ? 'the listing' : `partition ${partition}`;
    throw new PartitionUnavailableError(
      `${what} may be held by storage node(s) ${unreported.map((n) => n.id).join(', ')}, which have not reported yet`,
      partition,
    );
  }
}

function checkConditions(key: string, current: RecordDto | null, conditions: WriteConditions): void {
  const live = current && current.value !== null ? current : null;
  if (conditions.ifNoneMatch && live) {
    throw new PreconditionFailedError(`key ${JSON.stringify(key)} already exists (If-None-Match: *)`, live.revision);
  }
  if (conditions.ifMatch !== undefined && live?.revision !== conditions.ifMatch) {
    throw new PreconditionFailedError(
      live
        ? `key ${JSON.stringify(key)} is at revision ${live.revision}, not ${conditions.ifMatch} (If-Match)`
        : `key ${JSON.stringify(key)} does not exist (If-Match: "${conditions.ifMatch}")`,
      live?.revision ?? null,
    );
  }
}
