import { chooseNode, type PlacementCandidate } from '../placement/choose-node.js';
import { members, type Placement } from '../placement/partition-table.js';

/**
 * Self-healing, the decision half (repair.service.ts carries it out). A replica is lost when its
 * node has been DOWN, or gone from the registry, for longer than REPAIR_AFTER_MS; a partition with
 * fewer replicas than it should have (RF, capped at the nodes that are UP) is under-replicated.
 * Either way the fix is one copy-then-switch: add the emptiest node as a learner, copy, then make it
 * a voter in place of the lost replica. A partition that already has a learner (a repair that a
 * restarted leader found half done) is finished first.
 */
export interface RepairTask {
  partition: number;
  /** The node that receives a copy and becomes a replica (none: only drop `remove`). */
  add?: string;
  /** The replica it replaces, if any (a lost one). */
  remove?: string;
  reason: string;
}

export interface NodeHealth {
  status: 'UP' | 'SUSPECT' | 'DOWN' | 'UNKNOWN';
  /** When the leader first saw it DOWN or UNKNOWN (ms); undefined while it is UP or SUSPECT. */
  downSince?: number;
}

export interface RepairInput {
  placements: readonly [number, Placement][];
  nodes: ReadonlyMap<string, NodeHealth>;
  /** UP storage nodes that may receive a replica, with their space and partition counts. */
  candidates: readonly PlacementCandidate[];
  replicationFactor: number;
  repairAfterMs: number;
  now: number;
  /** Partitions already being repaired. */
  busy: ReadonlySet<number>;
}

export function isLost(health: NodeHealth | undefined, now: number, repairAfterMs: number): boolean {
  if (!health) return true;
  if (health.status !== 'DOWN' && health.status !== 'UNKNOWN') return false;
  return health.downSince !== undefined && now - health.downSince >= repairAfterMs;
}

export function planRepairs(input: RepairInput): RepairTask[] {
  const tasks: RepairTask[] = [];
  const target = Math.min(input.replicationFactor, input.candidates.length);
  // Partition counts move as tasks are planned, so one round spreads the new replicas out.
  const candidates = input.candidates.map((c) => ({ ...c }));
  for (const [partition, placement] of input.placements) {
    if (input.busy.has(partition)) continue;
    const lost = placement.replicas.filter((id) => isLost(input.nodes.get(id), input.now, input.repairAfterMs));
    if (placement.learners.length > 0) {
      // A restarted leader does not know which replica the copy was meant to replace: a lost one,
      // else one that is down, else none (the partition gains a replica).
      const down = placement.replicas.filter((id) => input.nodes.get(id)?.status === 'DOWN' || !input.nodes.has(id));
      const remove = placement.replicas.length >= input.replicationFactor ? (lost[0] ?? down[0]) : undefined;
      tasks.push({ partition, add: placement.learners[0], remove, reason: 'resume the copy to a learner' });
      continue;
    }
    if (lost.length > 0 && placement.replicas.length > input.replicationFactor) {
      tasks.push({ partition, remove: lost[0], reason: `over-replicated; replica on ${lost[0]} lost` });
      continue;
    }
    const needsNode = lost.length > 0 || placement.replicas.length < target;
    if (!needsNode) continue;
    const pick = chooseNode(candidates.filter((c) => !members(placement).includes(c.id)));
    if (!pick) continue;
    pick.partitions += 1;
    tasks.push(
      lost.length > 0
        ? { partition, add: pick.id, remove: lost[0], reason: `replica on ${lost[0]} lost` }
        : { partition, add: pick.id, reason: `under-replicated (${placement.replicas.length} of ${target})` },
    );
  }
  return tasks;
}
