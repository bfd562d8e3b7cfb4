import { Inject, Injectable } from '@nestjs/common';
import {
  DomainError,
  KeyNotFoundError,
  PartitionUnavailableError,
  PreconditionFailedError,
  ServiceUnavailableError,
} from '../common/errors.js';
import { partitionOf } from '../common/hash.js';
import { KeyedMutex } from '../common/keyed-mutex.js';
import { assertValidKey, assertValidPrefix, assertValidValue } from '../common/keys.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { PreviousDto, RecordDto } from '../storage/dto/ops.dto.js';
import { ClusterStateService } from './cluster-state.service.js';
import type { KeyValueDto, ListResultDto } from './dto/kv.dto.js';
import { decodeCursor } from './list-cursor.js';
import { PlacementService } from './placement.service.js';
import { ListingService } from './replication/listing.service.js';
import { ReplicatedStore, type ReplicatedWrite } from './replication/replicated-store.js';

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
 * partition on the replicas the table says (replicated-store.ts). Writes of one key are serialised here (there is one
 * leader), so a conditional write's check and its write cannot interleave with another write of
 * the same key, and the revision a write gets is also the order it is applied in.
 */
@Injectable()
export class KvService {
  private readonly keyLocks = new KeyedMutex();

  constructor(
    private readonly state: ClusterStateService,
    private readonly placement: PlacementService,
    private readonly replicas: ReplicatedStore,
    private readonly listing: ListingService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** `requestId` (here and below): the client request being served, passed on to the storage nodes for their logs. */
  async get(key: string, requestId?: string): Promise<KeyValueDto> {
    assertValidKey(key);
    const record = await this.read(key, requestId);
    if (!record || record.value === null) throw new KeyNotFoundError(key);
    return { key, value: record.value, revision: record.revision };
  }

  async put(key: string, value: unknown, conditions: WriteConditions = {}, requestId?: string): Promise<PutOutcome> {
    assertValidKey(key);
    assertValidValue(value, this.config.maxValueBytes);
    return withOutcome(
      this.keyLocks.run(key, async () => {
        if (conditions.ifMatch !== undefined || conditions.ifNoneMatch) {
          checkConditions(key, await this.read(key, requestId), conditions);
        }
        const { revision, previous } = await this.write(key, value, requestId);
        return { key, revision, created: previous === null || previous.tombstone };
      }),
    );
  }

  async delete(key: string, conditions: Pick<WriteConditions, 'ifMatch'> = {}, requestId?: string): Promise<void> {
    assertValidKey(key);
    await withOutcome(
      this.keyLocks.run(key, async () => {
        // Read first so that deleting an absent key is a 404 that writes nothing (no stray tombstones).
        const current = await this.read(key, requestId);
        checkConditions(key, current, conditions);
        if (!current || current.value === null) throw new KeyNotFoundError(key);
        await this.write(key, null, requestId);
      }),
    );
  }

  async list(request: ListRequest, requestId?: string): Promise<ListResultDto> {
    assertValidPrefix(request.prefix);
    const after = request.cursor === undefined ? undefined : decodeCursor(request.cursor);
    this.assertReady();
    this.assertAllPartitionsKnown();
    return this.listing.list(
      { prefix: request.prefix, limit: request.limit, values: request.values, after },
      requestId,
    );
  }

  /** The key's newest record on a majority of its replicas (a tombstone counts), or null. */
  private async read(key: string, requestId: string | undefined): Promise<RecordDto | null> {
    this.assertReady();
    const partition = partitionOf(key, this.config.partitions);
    const placement = this.state.table.get(partition);
    if (!placement) {
      this.assertAllPartitionsKnown(partition);
      return null;
    }
    return this.replicas.read(partition, placement, key, requestId);
  }

  private async write(
    key: string,
    value: string | null,
    requestId: string | undefined,
  ): Promise<{ revision: number; previous: PreviousDto | null }> {
    this.assertReady();
    const partition = partitionOf(key, this.config.partitions);
    const { write, previous } = await this.replicas.write(
      partition,
      () => this.placement.ensurePlaced(partition),
      (): ReplicatedWrite => {
        const revision = this.state.clock.next();
        return value === null ? { type: 'delete', key, revision } : { type: 'put', key, value, revision };
      },
      requestId,
    );
    return { revision: write.revision, previous };
  }

  private assertReady(): void {
    if (!this.state.ready) {
      throw new ServiceUnavailableError(
        'the leader is starting: it is rebuilding its partition table from the storage nodes',
      );
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

/**
 * A write that fails with a 503 says whether it may have been applied, so that a client knows
 * whether repeating it is safe: `outcome: "unknown"` when it reached some replicas but not a
 * majority (WriteOutcomeUnknownError), `outcome: "not-applied"` when it failed before any replica
 * was asked to write it (the leader not ready, the partition not placeable, its read failing).
 */
async function withOutcome<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (error instanceof DomainError && error.status === 503 && error.details.outcome === undefined) {
      error.details.outcome = 'not-applied';
    }
    throw error;
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
