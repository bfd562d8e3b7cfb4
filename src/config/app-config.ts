import { Role } from './role.js';

/** Typed, validated configuration. Built once from the environment by loadConfig(). */
export interface AppConfig {
  readonly role: Role;
  readonly port: number;
  readonly host: string;
  /** Fixed id from NODE_ID; when absent the node keeps a generated one in its data dir. */
  readonly nodeId?: string;
  /** The URL other nodes use to reach this one; derived from host and the bound port when absent. */
  readonly advertiseUrl?: string;
  readonly registryUrl?: string;
  /** Shared secret on every internal call; undefined only when insecure is true. */
  readonly clusterSecret?: string;
  readonly insecure: boolean;
  /** Bearer token for the leader's public API; undefined means the public API is open. */
  readonly apiToken?: string;
  readonly dataDir: string;
  readonly storageEngine: 'lmdb' | 'memory';
  readonly capacityBytes: number;
  readonly partitions: number;
  readonly maxValueBytes: number;
  readonly heartbeatIntervalMs: number;
  readonly leaseTtlMs: number;
  readonly downRetentionMs: number;
  readonly requestTimeoutMs: number;
  /** Replicas per partition (capped at the number of live storage nodes). */
  readonly replicationFactor: number;
  /** A replica on a node DOWN this long is replaced. */
  readonly repairAfterMs: number;
  /** At most this many partitions copy at once. */
  readonly repairConcurrency: number;
  /** A tombstone every replica holds is purged once it is this old. */
  readonly tombstoneTtlMs: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose';
  /** JSON lines, or colourful lines for a person at a terminal (the default when stdout is a TTY). */
  readonly logFormat: 'json' | 'pretty';
  /** On SIGTERM, how long in-flight requests may take to finish before their connections are cut. */
  readonly shutdownTimeoutMs: number;
}

/** Injection token for AppConfig. */
export const APP_CONFIG = Symbol('APP_CONFIG');

export const DEFAULTS = {
  port: 3000,
  host: '0.0.0.0',
  dataDir: './data',
  storageEngine: 'lmdb',
  capacityBytes: 10 * 1024 ** 3,
  partitions: 64,
  maxValueBytes: 1024 * 1024,
  heartbeatIntervalMs: 1000,
  leaseTtlMs: 5000,
  downRetentionMs: 60_000,
  requestTimeoutMs: 2000,
  replicationFactor: 3,
  repairAfterMs: 30_000,
  repairConcurrency: 2,
  tombstoneTtlMs: 24 * 3600 * 1000,
  logLevel: 'log',
  shutdownTimeoutMs: 1500,
} as const;
