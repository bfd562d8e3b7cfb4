/**
 * Heartbeat + Lease (Joshi, "Patterns of Distributed Systems"). A node holds a lease that each
 * heartbeat renews. The rule: a node is UP while its last heartbeat is at most 2 heartbeat
 * intervals old, SUSPECT after that, DOWN once the lease TTL has passed, and forgotten (evicted)
 * once it has been DOWN for the retention time. Status is never stored: it is computed from
 * `now - lastHeartbeatAt`, so every answer depends only on the `now` it is given. No clock, no
 * timers, no HTTP in here: the Nest service passes the time in.
 */
import type { NodeStats, NodeStatus } from '../common/cluster-types.js';
import type { Role } from '../config/role.js';

export interface LeaseTimings {
  readonly heartbeatIntervalMs: number;
  readonly leaseTtlMs: number;
  readonly downRetentionMs: number;
}

/** Who a node says it is when it registers. */
export interface NodeAddress {
  readonly id: string;
  readonly role: Role;
  readonly url: string;
}

/** One entry of the table as callers see it: times in epoch milliseconds, status computed for `now`. */
export interface LeaseView extends NodeAddress {
  readonly status: NodeStatus;
  readonly stats: NodeStats;
  readonly registeredAt: number;
  readonly lastHeartbeatAt: number;
}

export interface RegisterOutcome {
  readonly node: LeaseView;
  /** The live entry this registration replaced, if the id was known (a restart, or a move to a new URL). */
  readonly previous?: LeaseView;
}

export interface StatusChange {
  readonly id: string;
  readonly from: NodeStatus;
  readonly to: NodeStatus;
}

export interface LeaseFilter {
  readonly role?: Role;
  readonly status?: NodeStatus;
}

interface Lease extends NodeAddress {
  stats: NodeStats;
  /** When this incarnation first registered; kept across re-registrations at the same role and URL. */
  registeredAt: number;
  /** The lease's only clock: every status is derived from how old this is. */
  lastHeartbeatAt: number;
  /** The status statusChanges() last reported, so that each transition is reported once. */
  reportedStatus: NodeStatus;
}

export class LeaseTable {
  /** Keyed by node id. Soft state: after a registry restart nodes re-register within one heartbeat. */
  private readonly leases = new Map<string, Lease>();

  constructor(private readonly timings: LeaseTimings) {}

  /** Idempotent upsert: a new lease, or a renewed one for a node that registers again (after a restart). */
  register(node: NodeAddress, now: number): RegisterOutcome {
    const existing = this.live(node.id, now);
    const sameIncarnation = existing !== undefined && existing.url === node.url && existing.role === node.role;
    const previous = existing && this.view(existing, now);
    const lease: Lease = {
      id: node.id,
      role: node.role,
      url: node.url,
      // The same node at the same address keeps its history; a node that moved starts afresh.
      stats: sameIncarnation ? existing.stats : {},
      registeredAt: sameIncarnation ? existing.registeredAt : now,
      lastHeartbeatAt: now,
      // A registration is logged as such by the caller; it is not also a status change.
      reportedStatus: 'UP',
    };
    this.leases.set(node.id, lease);
    return { node: this.view(lease, now), previous };
  }

  /**
   * Renews the lease and replaces the stats with the ones just reported. A SUSPECT or DOWN node that
   * heartbeats again is UP again. Returns undefined for an id the table does not hold (never
   * registered, left, or evicted): the node must register again.
   */
  heartbeat(id: string, stats: NodeStats, now: number): LeaseView | undefined {
    const lease = this.live(id, now);
    if (!lease) return undefined;
    lease.lastHeartbeatAt = Math.max(lease.lastHeartbeatAt, now);
    lease.stats = definedStats(stats);
    return this.view(lease, now);
  }

  /** Graceful leave. Returns false when the id is not held. */
  remove(id: string, now: number): boolean {
    const held = this.live(id, now) !== undefined;
    this.leases.delete(id);
    return held;
  }

  get(id: string, now: number): LeaseView | undefined {
    const lease = this.live(id, now);
    return lease && this.view(lease, now);
  }

  statusOf(id: string, now: number): NodeStatus | undefined {
    const lease = this.live(id, now);
    return lease && this.statusAt(lease, now);
  }

  /** Every held node matching the filter, sorted by id. */
  list(now: number, filter: LeaseFilter = {}): LeaseView[] {
    const views: LeaseView[] = [];
    for (const lease of this.liveLeases(now)) {
      if (filter.role !== undefined && lease.role !== filter.role) continue;
      const view = this.view(lease, now);
      if (filter.status !== undefined && view.status !== filter.status) continue;
      views.push(view);
    }
    return views.sort(byId);
  }

  /**
   * Forgets the nodes that have been DOWN for longer than the retention time and returns their ids.
   * Such nodes are already invisible to every other method; this only frees their memory and tells
   * the caller who went, so that it does not matter when (or how often) the sweep runs.
   */
  evictExpired(now: number): string[] {
    const evicted: string[] = [];
    for (const lease of this.leases.values()) {
      if (this.isExpired(lease, now)) evicted.push(lease.id);
    }
    for (const id of evicted) this.leases.delete(id);
    return evicted.sort();
  }

  /** The status transitions that happened since the last call (for logging), in id order. */
  statusChanges(now: number): StatusChange[] {
    const changes: StatusChange[] = [];
    for (const lease of this.liveLeases(now)) {
      const status = this.statusAt(lease, now);
      if (status === lease.reportedStatus) continue;
      changes.push({ id: lease.id, from: lease.reportedStatus, to: status });
      lease.reportedStatus = status;
    }
    return changes.sort(byId);
  }

  private statusAt(lease: Lease, now: number): NodeStatus {
    const silence = now - lease.lastHeartbeatAt;
    if (silence > this.timings.leaseTtlMs) return 'DOWN';
    if (silence > 2 * this.timings.heartbeatIntervalMs) return 'SUSPECT';
    return 'UP';
  }

  /** DOWN (silent past the lease) and then DOWN for longer than the retention time. */
  private isExpired(lease: Lease, now: number): boolean {
    return now - lease.lastHeartbeatAt > this.timings.leaseTtlMs + this.timings.downRetentionMs;
  }

  private live(id: string, now: number): Lease | undefined {
    const lease = this.leases.get(id);
    return lease && !this.isExpired(lease, now) ? lease : undefined;
  }

  private *liveLeases(now: number): Iterable<Lease> {
    for (const lease of this.leases.values()) if (!this.isExpired(lease, now)) yield lease;
  }

  private view(lease: Lease, now: number): LeaseView {
    return {
      id: lease.id,
      role: lease.role,
      url: lease.url,
      status: this.statusAt(lease, now),
      stats: { ...lease.stats },
      registeredAt: lease.registeredAt,
      lastHeartbeatAt: lease.lastHeartbeatAt,
    };
  }
}

/** Code-unit order, the same on every machine (localeCompare would depend on the locale). */
function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** A copy with only the fields that were reported (a missing field is absent, not undefined). */
function definedStats(stats: NodeStats): NodeStats {
  const copy: NodeStats = {};
  if (stats.usedBytes !== undefined) copy.usedBytes = stats.usedBytes;
  if (stats.capacityBytes !== undefined) copy.capacityBytes = stats.capacityBytes;
  if (stats.keyCount !== undefined) copy.keyCount = stats.keyCount;
  return copy;
}
