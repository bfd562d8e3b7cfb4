import { open, type Database, type RootDatabase } from 'lmdb';
import type { PartitionAssignment, StoredRecord } from './storage-engine.js';
import { VersionedStore, type RawEntry } from './versioned-store.js';

type DataKey = [number, string];
/** Compact on disk: [revision, value], or [revision, null, deletedAt] for a tombstone. */
type DataValue = [number, string | null] | [number, null, number];

/**
 * STORAGE_ENGINE=lmdb (default): LMDB, a crash-safe embedded B+tree with copy-on-write pages, so
 * durability comes from a real store, not a hand-written format (the Write-Ahead Log row of
 * DESIGN.md). Records are keyed [partition, key], so one partition is one contiguous key range:
 * that is what makes a partition cheap to scan, copy and drop. A write resolves only after its
 * transaction is committed and flushed to disk; lmdb-js batches concurrent writes into one commit.
 */
export class LmdbEngine extends VersionedStore {
  private root?: RootDatabase;
  private data?: Database<DataValue, DataKey>;
  private meta?: Database<PartitionAssignment, number>;
  private settings?: Database<boolean, string>;

  constructor(private readonly path: string) {
    super();
  }

  protected async openBackend(): Promise<void> {
    this.root = open({ path: this.path, compression: false });
    this.data = this.root.openDB<DataValue, DataKey>({ name: 'data' });
    this.meta = this.root.openDB<PartitionAssignment, number>({ name: 'partitions' });
    this.settings = this.root.openDB<boolean, string>({ name: 'node' });
  }

  async close(): Promise<void> {
    if (!this.root) return;
    await this.root.flushed;
    await this.root.close();
    this.root = undefined;
  }

  protected readRecord(partition: number, key: string): StoredRecord | undefined {
    const stored = this.db().get([partition, key]);
    return stored && toRecord(stored);
  }

  protected async atomically<T>(body: (put: (p: number, k: string, r: StoredRecord | null) => void) => T): Promise<T> {
    const db = this.db();
    const result = await db.transaction(() =>
      body((p, k, r) => {
        if (r === null) void db.remove([p, k]);
        else void db.put([p, k], r.value === null ? [r.revision, null, r.deletedAt ?? 0] : [r.revision, r.value]);
      }),
    );
    await db.flushed;
    return result;
  }

  protected *range(partition: number, fromKey: string): Iterable<RawEntry> {
    for (const { key, value } of this.db().getRange({ start: [partition, fromKey], end: [partition + 1] })) {
      yield { key: key[1], record: toRecord(value) };
    }
  }

  protected *allEntries(): Iterable<RawEntry & { partition: number }> {
    for (const { key, value } of this.db().getRange({})) {
      yield { partition: key[0], key: key[1], record: toRecord(value) };
    }
  }

  protected *loadAssignments(): Iterable<[number, PartitionAssignment]> {
    for (const { key, value } of this.metaDb().getRange({})) {
      yield [key, { epoch: value.epoch, replicas: value.replicas, learners: value.learners ?? [] }];
    }
  }

  protected async persistAssignment(partition: number, assignment: PartitionAssignment): Promise<void> {
    const meta = this.metaDb();
    await meta.put(partition, { epoch: assignment.epoch, replicas: [...assignment.replicas] });
    await meta.flushed;
  }

  protected *loadFlags(): Iterable<[string, boolean]> {
    for (const { key, value } of this.settings!.getRange({})) yield [key, value];
  }

  protected async persistFlag(name: string, value: boolean): Promise<void> {
    await this.settings!.put(name, value);
    await this.settings!.flushed;
  }

  protected async removePartition(partition: number): Promise<void> {
    const db = this.db();
    const meta = this.metaDb();
    // One transaction per page, so a big partition never holds the write lock for long.
    for (;;) {
      const keys = [...db.getKeys({ start: [partition, ''], end: [partition + 1], limit: 1000 })];
      if (keys.length === 0) break;
      await db.transaction(() => keys.forEach((key) => void db.remove(key)));
    }
    await meta.remove(partition);
    await db.flushed;
  }

  private db(): Database<DataValue, DataKey> {
    if (!this.data) throw new Error('lmdb engine is not open');
    return this.data;
  }

  private metaDb(): Database<PartitionAssignment, number> {
    if (!this.meta) throw new Error('lmdb engine is not open');
    return this.meta;
  }
}

function toRecord(stored: DataValue): StoredRecord {
  return stored[1] === null ? { revision: stored[0], value: null, deletedAt: stored[2] ?? 0 } : { revision: stored[0], value: stored[1] };
}
