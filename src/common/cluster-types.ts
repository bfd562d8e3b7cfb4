/** Shapes that cross the wire between roles (registry ⇄ nodes, leader ⇄ storage, leader ⇄ clients). */

export type NodeStatus = 'UP' | 'SUSPECT' | 'DOWN';
export const NODE_STATUSES: readonly NodeStatus[] = ['UP', 'SUSPECT', 'DOWN'];

/** What a storage node reports on each heartbeat. Other roles report nothing ({}). */
export interface NodeStats {
  usedBytes?: number;
  capacityBytes?: number;
  keyCount?: number;
}

/** A registry entry as the registry lists it. Times are ISO-8601 strings. */
export interface RegisteredNode {
  id: string;
  role: string;
  url: string;
  status: NodeStatus;
  stats: NodeStats;
  registeredAt: string;
  lastHeartbeatAt: string;
}

export interface RegistrationReply {
  id: string;
  heartbeatIntervalMs: number;
  leaseTtlMs: number;
}
