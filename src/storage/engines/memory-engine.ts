import type { PartitionAssignment, StoredRecord } from './storage-engine.js';
import { compareKeys, VersionedStore, type RawEntry } from './versioned-store.js';

/** STORAGE_ENGINE=memory: the same rules as lmdb, nothing on disk. For tests and demos only. */
export class MemoryEngine extends VersionedStore {
  private readonly partitions = new Map<number, Map<string, StoredRecord>>();

  protected async openBackend(): Promise<void> {}

  async close(): Promise<void> {}

  protected readRecord(partition: number, key: string): StoredRecord | undefined {
    return this.partitions.get(partition)?.get(key);
  }

  protected async atomically<T>(body: (put: (p: number, k: string, r: StoredRecord | null) => void) => T): Promise<T> {
    return body((p, k, r) => {
      let map = this.partitions.get(p);
      if (!map) this.partitions.set(p, (map = new Map()));
      if (r === null) map.delete(k);
      else map.set(k, r);
    });
  }

  protected *range(partition: number, fromKey: string): Iterable<RawEntry> {
    const map = this.partitions.get(partition);
    if (!map) return;
    const keys = [...map.keys()].filter((k) => compareKeys(k, fromKey) >= 0).sort(compareKeys);
    for (const key of keys) yield { key, record: map.get(key)! };
  }

  protected *allEntries(): Iterable<RawEntry & { partition: number }> {}

  protected loadAssignments(): Iterable<[number, PartitionAssignment]> {
    return [];
  }

  protected async persistAssignment(): Promise<void> {}

  protected loadFlags(): Iterable<[string, boolean]> {
    return [];
  }

  protected async persistFlag(): Promise<void> {}

  protected async removePartition(partition: number): Promise<void> {
    this.partitions.delete(partition);
  }
}
