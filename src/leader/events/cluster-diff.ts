import type { ClusterViewDto } from '../dto/cluster.dto.js';

/** One line of the dashboard's event feed. */
export interface ClusterEvent {
  at: string;
  kind: 'node-registered' | 'node-left' | 'node-down' | 'node-back' | 'node-suspect' | 'partition-placed' | 'move-started' | 'move-finished';
  message: string;
}

/**
 * What changed between two /cluster views, as feed items. Derived from snapshots rather than
 * hooked into each service so the feed can never disagree with what /cluster shows.
 */
export function diffViews(prev: ClusterViewDto, next: ClusterViewDto, at: string): ClusterEvent[] {
  const events: ClusterEvent[] = [];
  const push = (kind: ClusterEvent['kind'], message: string) => events.push({ at, kind, message });
  const before = new Map(prev.nodes.map((n) => [n.id, n]));
  const after = new Map(next.nodes.map((n) => [n.id, n]));
  for (const node of next.nodes) {
    const old = before.get(node.id);
    if (!old) push('node-registered', `${node.role} ${node.id} registered (${node.url})`);
    else if (old.status !== node.status) {
      if (node.status === 'DOWN') push('node-down', `${node.id} is DOWN`);
      else if (node.status === 'SUSPECT') push('node-suspect', `${node.id} is SUSPECT (heartbeat late)`);
      else if (node.status === 'UP') push('node-back', `${node.id} is back UP`);
    }
  }
  for (const node of prev.nodes) if (!after.has(node.id)) push('node-left', `${node.id} left the cluster`);

  const oldParts = new Map(prev.partitions.map((p) => [p.partition, p]));
  for (const part of next.partitions) {
    const old = oldParts.get(part.partition);
    if (!old) {
      push('partition-placed', `partition ${part.partition} placed on ${part.replicas.join(', ')}`);
      continue;
    }
    const started = part.learners.filter((id) => !old.learners.includes(id));
    const finished = old.learners.filter((id) => !part.learners.includes(id));
    if (started.length > 0) push('move-started', `partition ${part.partition}: copying to ${started.join(', ')}`);
    if (finished.length > 0 || !sameSet(old.replicas, part.replicas)) {
      push('move-finished', `partition ${part.partition}: replicas now ${part.replicas.join(', ')} (epoch ${part.epoch})`);
    }
  }
  return events;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/** The most recent events, oldest first, so a new subscriber sees what happened before it came. */
export class EventLog {
  private readonly items: ClusterEvent[] = [];

  constructor(private readonly capacity = 200) {}

  add(events: readonly ClusterEvent[]): void {
    this.items.push(...events);
    if (this.items.length > this.capacity) this.items.splice(0, this.items.length - this.capacity);
  }

  recent(): readonly ClusterEvent[] {
    return this.items;
  }
}
