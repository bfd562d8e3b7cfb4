/**
 * Placement by space (TiKV PD's idea): a new partition goes to the node with the lowest space score,
 * used / capacity. Scores within `tolerance` of the lowest count as equal, and among those the node
 * with the fewest partitions wins (then the lower score, then the id, so the choice is
 * deterministic). The tolerance keeps a burst of placements from piling onto one node whose
 * reported usage lags a heartbeat behind, and keeps near-equal nodes from flapping.
 */
export interface PlacementCandidate {
  id: string;
  usedBytes: number;
  capacityBytes: number;
  partitions: number;
}

export const DEFAULT_SCORE_TOLERANCE = 0.01;

export function spaceScore(node: Pick<PlacementCandidate, 'usedBytes' | 'capacityBytes'>): number {
  return node.capacityBytes > 0 ? node.usedBytes / node.capacityBytes : Number.POSITIVE_INFINITY;
}

export function chooseNode<T extends PlacementCandidate>(
  candidates: readonly T[],
  tolerance = DEFAULT_SCORE_TOLERANCE,
): T | undefined {
  if (candidates.length === 0) return undefined;
  const lowest = Math.min(...candidates.map(spaceScore));
  return candidates
    .filter((c) => spaceScore(c) <= lowest + tolerance)
    .sort((a, b) => a.partitions - b.partitions || spaceScore(a) - spaceScore(b) || a.id.localeCompare(b.id))[0];
}

/** `count` distinct nodes for a new replica set, each picked by chooseNode among those not yet picked. */
export function chooseReplicas<T extends PlacementCandidate>(
  candidates: readonly T[],
  count: number,
  tolerance = DEFAULT_SCORE_TOLERANCE,
): T[] {
  const chosen: T[] = [];
  while (chosen.length < count) {
    const next = chooseNode(
      candidates.filter((c) => !chosen.includes(c)),
      tolerance,
    );
    if (!next) break;
    chosen.push(next);
  }
  return chosen;
}
