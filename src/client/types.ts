/** The shapes the leader's public HTTP API sends and receives, as the SDK hands them to callers. */

/** A key's current value. The revision changes on every write and is what `ifMatch` compares with. */
export interface KvEntry {
  key: string;
  value: string;
  revision: number;
}

export interface PutResult {
  key: string;
  revision: number;
  /** true when the key did not exist before this write (HTTP 201), false when it replaced a value (200). */
  created: boolean;
}

export interface PutOptions {
  /** Write only if the key's current revision is this one. */
  ifMatch?: number;
  /** Write only if the key does not exist. */
  ifNoneMatch?: boolean;
}

export interface DeleteOptions {
  /** Delete only if the key's current revision is this one. */
  ifMatch?: number;
}

/** One key in a listing; `value` is present only when the listing asked for values. */
export interface ListItem {
  key: string;
  revision: number;
  value?: string;
}

export interface ListOptions {
  prefix?: string;
  /** Page size; the server's default is 100 and its maximum 1000. */
  limit?: number;
  values?: boolean;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

export interface ListPage {
  items: ListItem[];
  /** Pass back as `cursor` to read the next page; null on the last page. */
  nextCursor: string | null;
}

export interface IterateOptions {
  prefix?: string;
  pageSize?: number;
  values?: boolean;
}

export type NodeStatus = 'UP' | 'SUSPECT' | 'DOWN' | 'UNKNOWN';
export type PartitionState = 'healthy' | 'moving' | 'under-replicated' | 'unavailable';

export interface ClusterNode {
  id: string;
  role: string;
  url: string;
  status: NodeStatus;
  usedBytes?: number;
  capacityBytes?: number;
  keyCount?: number;
  /** How many partitions this node holds a replica of. */
  partitions: number;
  lastHeartbeatAt?: string;
  /** Storage nodes: being drained (gets no new replicas, gives its replicas away). */
  draining?: boolean;
}

/** The answer of POST/DELETE /cluster/nodes/{id}/drain. */
export interface DrainStatus {
  id: string;
  draining: boolean;
  /** Partitions it still holds a replica of. */
  partitions: number;
  /** Draining and empty: safe to remove. */
  drained: boolean;
}

export interface PartitionInfo {
  partition: number;
  epoch: number;
  /** Node ids holding a replica. */
  replicas: string[];
  /** Node ids receiving a copy (a repair or a move in progress). */
  learners?: string[];
  state: PartitionState;
  keyCount?: number;
  bytes?: number;
}

export interface ClusterInfo {
  leader: {
    id: string;
    url?: string;
    /** The leader has rebuilt its partition table from the storage nodes and serves requests. */
    ready: boolean;
    /** The highest revision it has issued or seen. */
    revision: number;
  };
  partitionCount: number;
  replicationFactor: number;
  /** Repairs and moves finished since the leader started. */
  completedMoves?: number;
  nodes: ClusterNode[];
  partitions: PartitionInfo[];
  /** Partitions with no replica placed yet. */
  unplaced: number[];
}

/** The JSON body of every error answer. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  [extra: string]: unknown;
}
