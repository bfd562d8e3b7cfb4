import { DEFAULT_SCORE_TOLERANCE, spaceScore } from '../placement/choose-node.js';
import { members, type Placement } from '../placement/partition-table.js';
import type { RepairTask } from './repair-planner.js';

/**
 * Rebalancing (placement by space, PD-style): moves one partition replica at a time from the
 * fullest node to the emptiest, with the same copy-then-switch as a repair. Two goals, in order:
 *   1. drain: a node being drained gives its replicas away, to the emptiest node that lacks them;
 *   2. space: when the space scores (used / capacity) of the fullest and emptiest node differ by
 *      more than the tolerance, move the replica that leaves the smallest difference;
 *   3. count: otherwise, when replica counts differ by 2 or more (a node just joined), move one
 *      from the node with the most to the one with the fewest, if space stays within tolerance.
 * It never flaps: a space move is planned only if it leaves the spread of scores (fullest minus
 * emptiest, over all nodes) strictly smaller, and a count move only if the spread stays within the
 * tolerance, so repeated planning converges (balancer.spec.ts checks this with fast-check).
 */
export interface BalancerNode {
  id: string;
  usedBytes: number;
  capacityBytes: number;
  draining: boolean;
}

export interface BalancerInput {
  /** UP storage nodes that reported their inventory. */
  nodes: readonly BalancerNode[];
  placements: readonly [number, Placement][];
  /** Bytes of each partition, as its replicas reported them. */
  partitionBytes: (partition: number) => number;
  /** Partitions being repaired or moved, and nodes taking part in a task: left alone. */
  busyPartitions: ReadonlySet<number>;
  busyNodes: ReadonlySet<string>;
  tolerance?: number;
}

export function planMove(input: BalancerInput): RepairTask | undefined {
  const tolerance = input.tolerance ?? DEFAULT_SCORE_TOLERANCE;
  const free = input.nodes.filter((n) => !input.busyNodes.has(n.id));
  const targets = free.filter((n) => !n.draining);
  const movable = (from: string) =>
    input.placements.filter(
      ([p, placement]) =>
        !input.busyPartitions.has(p) && placement.learners.length === 0 && placement.replicas.includes(from),
    );

  // 1. drain
  for (const node of free.filter((n) => n.draining)) {
    for (const [partition, placement] of movable(node.id)) {
      const to = emptiest(targets.filter((t) => !members(placement).includes(t.id)));
      if (to) return { partition, add: to.id, remove: node.id, reason: `draining ${node.id}` };
    }
  }
  if (targets.length < 2) return undefined;

  // 2. space
  const byScore = [...targets].sort((a, b) => spaceScore(b) - spaceScore(a));
  const fullest = byScore[0];
  const least = byScore[byScore.length - 1];
  const gap = spaceScore(fullest) - spaceScore(least);
  if (gap > tolerance) {
    let best: { partition: number; gap: number } | undefined;
    for (const [partition, placement] of movable(fullest.id)) {
      if (members(placement).includes(least.id)) continue;
      const after = spreadAfter(targets, fullest.id, least.id, input.partitionBytes(partition));
      if (after < gap && (!best || after < best.gap)) best = { partition, gap: after };
    }
    if (best)
      return {
        partition: best.partition,
        add: least.id,
        remove: fullest.id,
        reason: `space: ${fullest.id} → ${least.id}`,
      };
    return undefined;
  }

  // 3. count
  const counts = new Map(targets.map((t) => [t.id, 0]));
  for (const [, placement] of input.placements) {
    for (const id of placement.replicas) if (counts.has(id)) counts.set(id, counts.get(id)! + 1);
  }
  const byCount = [...targets].sort((a, b) => counts.get(b.id)! - counts.get(a.id)! || spaceScore(b) - spaceScore(a));
  const most = byCount[0];
  const fewest = byCount[byCount.length - 1];
  if (counts.get(most.id)! - counts.get(fewest.id)! < 2) return undefined;
  for (const [partition, placement] of movable(most.id)) {
    if (members(placement).includes(fewest.id)) continue;
    if (spreadAfter(targets, most.id, fewest.id, input.partitionBytes(partition)) <= tolerance)
      return { partition, add: fewest.id, remove: most.id, reason: `count: ${most.id} → ${fewest.id}` };
  }
  return undefined;
}

/** max - min space score over `nodes` if `bytes` moved from one node to another. */
export function spreadAfter(nodes: readonly BalancerNode[], from: string, to: string, bytes: number): number {
  const scores = nodes.map((n) =>
    spaceScore({ ...n, usedBytes: n.usedBytes + (n.id === to ? bytes : 0) - (n.id === from ? bytes : 0) }),
  );
  return Math.max(...scores) - Math.min(...scores);
}

function emptiest(nodes: readonly BalancerNode[]): BalancerNode | undefined {
  return [...nodes].sort((a, b) => spaceScore(a) - spaceScore(b) || a.id.localeCompare(b.id))[0];
}
