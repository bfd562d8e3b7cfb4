import type { ClusterInfo, ClusterNode, PartitionInfo } from '../client/types.js';

/** The /cluster view as the page reads it: the SDK's types plus what only the dashboard shows. */
export type NodeView = ClusterNode;

export interface PartitionView extends PartitionInfo {
  /** Nodes receiving a copy (repair or move under way). */
  learners: string[];
  keyCount?: number;
  bytes?: number;
}

export interface ClusterView extends Omit<ClusterInfo, 'leader' | 'partitions'> {
  leader: { id: string; url?: string; ready: boolean; revision: number };
  completedMoves: number;
  partitions: PartitionView[];
}

export interface FeedEvent {
  at: string;
  kind: string;
  message: string;
}
