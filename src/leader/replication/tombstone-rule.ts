/**
 * When may a tombstone go? A delete is a tombstone with a revision so that a replica still holding
 * the old value, or a late copy of an older write, cannot bring the key back. It can be purged
 * once (1) every replica of the partition holds that same tombstone, so no replica can answer with
 * the old value, and (2) it is older than TOMBSTONE_TTL_MS, far longer than any request can be in
 * flight or a hung node can sit on one (Cassandra's gc_grace). A replica that lacks the newest
 * tombstone of a key gets it written back first (anti-entropy), so (1) comes true by itself.
 */
export interface TombstoneSighting {
  key: string;
  revision: number;
  /** When the replica stored it (ms). */
  deletedAt: number;
}

export interface TombstonePlan {
  /** Tombstones every replica holds at the same revision, old enough: remove them everywhere. */
  purge: { key: string; revision: number }[];
  /** Tombstones some replicas lack: write them there (a replica with a newer value ignores it). */
  spread: { key: string; revision: number; to: string[] }[];
}

export function planTombstones(
  perReplica: ReadonlyMap<string, readonly TombstoneSighting[]>,
  now: number,
  ttlMs: number,
): TombstonePlan {
  const replicas = [...perReplica.keys()];
  const newest = new Map<string, { revision: number; oldest: number; holders: Set<string> }>();
  for (const [replica, sightings] of perReplica) {
    for (const { key, revision, deletedAt } of sightings) {
      const seen = newest.get(key);
      if (!seen || revision > seen.revision)
        newest.set(key, { revision, oldest: deletedAt, holders: new Set([replica]) });
      else if (revision === seen.revision) {
        seen.holders.add(replica);
        seen.oldest = Math.max(seen.oldest, deletedAt);
      }
    }
  }
  const plan: TombstonePlan = { purge: [], spread: [] };
  for (const [key, { revision, oldest, holders }] of [...newest].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const missing = replicas.filter((r) => !holders.has(r));
    if (missing.length > 0) plan.spread.push({ key, revision, to: missing });
    else if (now - oldest >= ttlMs) plan.purge.push({ key, revision });
  }
  return plan;
}
