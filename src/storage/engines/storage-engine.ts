/**
 * Versioned Value: every value is stored with the cluster-wide revision the leader gave it, and a
 * replica keeps the highest revision it has seen for a key. A write with a revision that is not
 * higher than the stored one is ignored, so replays and late duplicates are harmless. A delete is
 * a write too: it leaves a tombstone (value null) carrying its revision.
 *
 * This file is the contract; memory-engine.ts and lmdb-engine.ts implement it on top of the shared
 * rules in versioned-store.ts.
 */

/** A stored record. `value === null` is a tombstone. */
export interface StoredRecord {
  revision: number;
  value: string | null;
  /** Tombstones: when the delete was stored (ms), for the purge rule (tombstone-sweeper.ts). */
  deletedAt?: number;
}

export interface WriteOp {
  partition: number;
  key: string;
  revision: number;
  /** null writes a tombstone (delete). */
  value: string | null;
  /** For a tombstone: when it was written (the storage node's clock). */
  deletedAt?: number;
}

export interface WriteOutcome {
  /** false when the stored revision was already at or above the op's revision. */
  applied: boolean;
  /** What was stored before this op (null when nothing, not even a tombstone). */
  previous: StoredRecord | null;
}

export interface ScanRequest {
  partitions: readonly number[];
  prefix: string;
  /** Exclusive lower bound: only keys strictly greater than this. */
  after?: string;
  limit: number;
  includeTombstones: boolean;
  /** Only tombstones (for the tombstone sweep). */
  tombstonesOnly?: boolean;
}

export interface ScanItem {
  partition: number;
  key: string;
  revision: number;
  value: string | null;
  deletedAt?: number;
}

export interface ScanResult {
  items: ScanItem[];
  /** true when at least one more matching key exists after the last item. */
  more: boolean;
}

/** What the leader told this node about a partition it holds. */
export interface PartitionAssignment {
  epoch: number;
  replicas: string[];
  /** Nodes being filled with a copy of the partition: they take writes but do not count for quorum. */
  learners?: string[];
}

export interface PartitionStats {
  keyCount: number;
  bytes: number;
}

export interface StorageEngine {
  open(): Promise<void>;
  close(): Promise<void>;
  get(partition: number, key: string): StoredRecord | undefined;
  /** Applies the ops in order, in one durable commit: resolved means flushed to disk (for lmdb). */
  write(ops: readonly WriteOp[]): Promise<WriteOutcome[]>;
  scan(request: ScanRequest): ScanResult;
  assignments(): ReadonlyMap<number, PartitionAssignment>;
  /** Persists the assignment before resolving. */
  assign(partition: number, assignment: PartitionAssignment): Promise<void>;
  /** Node-level settings the leader asked for (e.g. draining), kept across restarts. */
  flag(name: string): boolean;
  setFlag(name: string, value: boolean): Promise<void>;
  /** Removes the tombstones given (key at exactly that revision); anything else is left. Returns how many. */
  purge(partition: number, tombstones: readonly { key: string; revision: number }[]): Promise<number>;
  /** Removes every record of the partition and its assignment (the partition moved away). */
  drop(partition: number): Promise<void>;
  /** Live (non-tombstone) keys and their bytes per partition that has any record. */
  partitionStats(): ReadonlyMap<number, PartitionStats>;
  /** The highest revision of any record held, tombstones included (0 when empty). */
  maxRevision(): number;
}

export const STORAGE_ENGINE = Symbol('STORAGE_ENGINE');
