/**
 * Fixed Partitions: the key space is cut into PARTITIONS pieces once, at cluster birth, and nodes
 * own partitions, not keys. This table maps each partition to its replica set and the epoch at
 * which that set was decided. The leader keeps no table of its own on disk: it rebuilds this one
 * from the storage nodes' inventories, and a claim only replaces another if its epoch is higher
 * (Generation Clock), so the newest decision wins whatever order the inventories arrive in.
 */
export interface Placement {
  /** Grows with every change of the replica set; taken from the revision clock. */
  readonly epoch: number;
  /** The voting replicas: a write is acknowledged once a majority of them stored it. */
  readonly replicas: readonly string[];
  /** Nodes being filled with a copy (repair or move): they get every write, but no vote yet. */
  readonly learners: readonly string[];
}

/** Every node that receives writes for the partition. */
export function members(placement: Placement): string[] {
  return [...placement.replicas, ...placement.learners];
}

export class PartitionTable {
  private readonly entries = new Map<number, Placement>();

  constructor(readonly size: number) {}

  get(partition: number): Placement | undefined {
    return this.entries.get(partition);
  }

  /** Takes the claim if it is newer than what the table holds; returns whether it changed anything. */
  offer(partition: number, claim: Omit<Placement, 'learners'> & { learners?: readonly string[] }): boolean {
    if (partition < 0 || partition >= this.size || claim.epoch <= 0 || claim.replicas.length === 0) return false;
    const current = this.entries.get(partition);
    if (current && current.epoch >= claim.epoch) return false;
    this.entries.set(partition, { epoch: claim.epoch, replicas: [...claim.replicas], learners: [...(claim.learners ?? [])] });
    return true;
  }

  placed(): [number, Placement][] {
    return [...this.entries.entries()].sort(([a], [b]) => a - b);
  }

  unplaced(): number[] {
    const result: number[] = [];
    for (let p = 0; p < this.size; p++) if (!this.entries.has(p)) result.push(p);
    return result;
  }

  /** How many partitions each node holds a replica of (learners included: they are filling up). */
  countsByNode(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const placement of this.entries.values()) {
      for (const id of members(placement)) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    return counts;
  }
}
