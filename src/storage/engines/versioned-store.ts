import type {
  PartitionAssignment,
  PartitionStats,
  ScanItem,
  ScanRequest,
  ScanResult,
  StorageEngine,
  StoredRecord,
  WriteOp,
  WriteOutcome,
} from './storage-engine.js';

/** One key/record pair as a backend's range read yields it, in key order within a partition. */
export interface RawEntry {
  key: string;
  record: StoredRecord;
}

/**
 * The rules every engine shares (highest revision wins, tombstones, stats, the partition-merging
 * scan), over four primitives a backend supplies: read a record, write a batch atomically, range
 * over a partition from a key, and persist assignments.
 */
export abstract class VersionedStore implements StorageEngine {
  /** Live keys and bytes per partition, kept in memory and rebuilt by a scan at open. */
  private readonly stats = new Map<number, PartitionStats>();
  /**
   * The tombstones per partition (revision, deletedAt), kept in memory and rebuilt by the scan at
   * open, so that the tombstone sweep (a scan with tombstonesOnly, every few seconds per partition)
   * reads only tombstones instead of every record the node holds. Tombstones are few: they are
   * purged once every replica holds them and TOMBSTONE_TTL_MS has passed.
   */
  private readonly tombstones = new Map<number, Map<string, { revision: number; deletedAt: number }>>();
  /** Highest revision seen; the leader continues above the maximum of all nodes after a restart. */
  private highestRevision = 0;
  protected readonly assigned = new Map<number, PartitionAssignment>();
  private readonly flags = new Map<string, boolean>();

  protected abstract readRecord(partition: number, key: string): StoredRecord | undefined;
  /** Runs `body` so that its writes commit atomically and durably; resolves after the commit. */
  protected abstract atomically<T>(body: (put: (p: number, k: string, r: StoredRecord | null) => void) => T): Promise<T>;
  protected abstract range(partition: number, fromKey: string): Iterable<RawEntry>;
  protected abstract allEntries(): Iterable<RawEntry & { partition: number }>;
  protected abstract loadAssignments(): Iterable<[number, PartitionAssignment]>;
  protected abstract persistAssignment(partition: number, assignment: PartitionAssignment): Promise<void>;
  protected abstract openBackend(): Promise<void>;
  protected abstract loadFlags(): Iterable<[string, boolean]>;
  protected abstract persistFlag(name: string, value: boolean): Promise<void>;
  /** Removes the partition's records and its assignment, atomically and durably. */
  protected abstract removePartition(partition: number): Promise<void>;
  abstract close(): Promise<void>;

  async open(): Promise<void> {
    await this.openBackend();
    for (const [partition, assignment] of this.loadAssignments()) this.assigned.set(partition, assignment);
    for (const [name, value] of this.loadFlags()) this.flags.set(name, value);
    for (const { partition, key, record } of this.allEntries()) this.account(partition, key, null, record);
  }

  get(partition: number, key: string): StoredRecord | undefined {
    const record = this.readRecord(partition, key);
    return record && { revision: record.revision, value: record.value };
  }

  async write(ops: readonly WriteOp[]): Promise<WriteOutcome[]> {
    return this.atomically((put) =>
      ops.map((op) => {
        const stored = this.readRecord(op.partition, op.key);
        const previous = stored ? { revision: stored.revision, value: stored.value } : null;
        if (previous && previous.revision >= op.revision) return { applied: false, previous };
        const record: StoredRecord =
          op.value === null ? { revision: op.revision, value: null, deletedAt: op.deletedAt ?? 0 } : { revision: op.revision, value: op.value };
        put(op.partition, op.key, record);
        this.account(op.partition, op.key, previous, record);
        return { applied: true, previous };
      }),
    );
  }

  scan(request: ScanRequest): ScanResult {
    const perPartition = request.partitions.map((p) => this.scanPartition(p, request));
    const merged = perPartition.flatMap((r) => r.items).sort((a, b) => compareKeys(a.key, b.key));
    const items = merged.slice(0, request.limit);
    return { items, more: merged.length > request.limit || perPartition.some((r) => r.more) };
  }

  assignments(): ReadonlyMap<number, PartitionAssignment> {
    return this.assigned;
  }

  async assign(partition: number, assignment: PartitionAssignment): Promise<void> {
    const copy = { epoch: assignment.epoch, replicas: [...assignment.replicas], learners: [...(assignment.learners ?? [])] };
    await this.persistAssignment(partition, copy);
    this.assigned.set(partition, copy);
  }

  async purge(partition: number, tombstones: readonly { key: string; revision: number }[]): Promise<number> {
    return this.atomically((put) => {
      let purged = 0;
      for (const { key, revision } of tombstones) {
        const record = this.readRecord(partition, key);
        if (record && record.value === null && record.revision === revision) {
          put(partition, key, null);
          this.tombstones.get(partition)?.delete(key);
          purged += 1;
        }
      }
      return purged;
    });
  }

  flag(name: string): boolean {
    return this.flags.get(name) ?? false;
  }

  async setFlag(name: string, value: boolean): Promise<void> {
    await this.persistFlag(name, value);
    this.flags.set(name, value);
  }

  async drop(partition: number): Promise<void> {
    await this.removePartition(partition);
    this.assigned.delete(partition);
    this.stats.delete(partition);
    this.tombstones.delete(partition);
  }

  partitionStats(): ReadonlyMap<number, PartitionStats> {
    return this.stats;
  }

  maxRevision(): number {
    return this.highestRevision;
  }

  /** Up to limit matching items of one partition, and whether more exist after them. */
  private scanPartition(partition: number, request: ScanRequest): ScanResult {
    if (request.tombstonesOnly) return this.scanTombstones(partition, request);
    const from = request.after !== undefined && compareKeys(request.after, request.prefix) >= 0 ? request.after : request.prefix;
    const items: ScanItem[] = [];
    for (const { key, record } of this.range(partition, from)) {
      if (!key.startsWith(request.prefix)) break;
      if (request.after !== undefined && compareKeys(key, request.after) <= 0) continue;
      if (record.value === null && !request.includeTombstones) continue;
      if (items.length === request.limit) return { items, more: true };
      items.push({ partition, key, revision: record.revision, value: record.value });
    }
    return { items, more: false };
  }

  /** A tombstonesOnly scan of one partition, from the in-memory index: the same order and bounds as a range read. */
  private scanTombstones(partition: number, request: ScanRequest): ScanResult {
    const matching: { key: string; bytes: Buffer; revision: number; deletedAt: number }[] = [];
    const after = request.after === undefined ? undefined : Buffer.from(request.after, 'utf8');
    for (const [key, { revision, deletedAt }] of this.tombstones.get(partition) ?? []) {
      if (!key.startsWith(request.prefix)) continue;
      const bytes = Buffer.from(key, 'utf8');
      if (after && Buffer.compare(bytes, after) <= 0) continue;
      matching.push({ key, bytes, revision, deletedAt });
    }
    matching.sort((a, b) => Buffer.compare(a.bytes, b.bytes));
    const items = matching
      .slice(0, request.limit)
      .map(({ key, revision, deletedAt }) => ({ partition, key, revision, value: null, deletedAt }));
    return { items, more: matching.length > request.limit };
  }

  private account(partition: number, key: string, before: StoredRecord | null, after: StoredRecord): void {
    this.highestRevision = Math.max(this.highestRevision, after.revision);
    const stats = this.stats.get(partition) ?? { keyCount: 0, bytes: 0 };
    if (before?.value != null) {
      stats.keyCount -= 1;
      stats.bytes -= recordBytes(key, before.value);
    }
    if (after.value !== null) {
      stats.keyCount += 1;
      stats.bytes += recordBytes(key, after.value);
    }
    this.stats.set(partition, stats);
    if (after.value === null) {
      let index = this.tombstones.get(partition);
      if (!index) this.tombstones.set(partition, (index = new Map()));
      index.set(key, { revision: after.revision, deletedAt: after.deletedAt ?? 0 });
    } else if (before?.value === null) {
      this.tombstones.get(partition)?.delete(key);
    }
  }
}

function recordBytes(key: string, value: string): number {
  return Buffer.byteLength(key, 'utf8') + Buffer.byteLength(value, 'utf8');
}

/** Key order is UTF-8 byte order (what LMDB uses), which differs from JS string order for astral characters. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
