import type { INestApplication } from '@nestjs/common';
import type { App } from 'supertest/types.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { RegistryClient } from '../../src/membership/registry-client.js';
import { FakeRegistry } from './fake-registry.js';
import { kvApi, type KvApi } from './kv-api.js';
import { waitFor } from './poll.js';
import { closeAll, startStorageNodes, UNUSED_REGISTRY_URL, type StorageNode } from './storage-nodes.js';
import { createTestApp } from './test-app.js';

/** Timings small enough that the leader's refresh job (every heartbeat interval) runs often. */
export const FAST_CLUSTER_ENV = {
  HEARTBEAT_INTERVAL_MS: '100',
  LEASE_TTL_MS: '500',
  REQUEST_TIMEOUT_MS: '1000',
  PARTITIONS: '64',
} as const;

export interface LeaderApp {
  readonly app: INestApplication;
  readonly http: App;
  readonly config: AppConfig;
  readonly kv: KvApi;
  close(): Promise<void>;
}

/**
 * A real leader app, in process, whose registry is `registry`. Resolves once GET /cluster says the
 * leader is ready (it has read every live storage node's inventory).
 */
export async function startLeader(registry: FakeRegistry, env: Record<string, string> = {}): Promise<LeaderApp> {
  const { app, config } = await createTestApp(
    { ROLE: 'leader', REGISTRY_URL: UNUSED_REGISTRY_URL, ...FAST_CLUSTER_ENV, REPLICATION_FACTOR: '1', ...env },
    (b) => b.overrideProvider(RegistryClient).useValue(registry),
  );
  const http = app.getHttpServer() as App;
  const kv = kvApi(http, config.apiToken);
  let closed = false;
  const leader: LeaderApp = {
    app,
    http,
    config,
    kv,
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
    },
  };
  try {
    await waitFor('the leader to be ready', async () => (await kv.clusterOk()).leader.ready, { timeoutMs: 15_000 });
  } catch (error) {
    await leader.close();
    throw error;
  }
  return leader;
}

export interface TestCluster {
  readonly storage: StorageNode[];
  readonly registry: FakeRegistry;
  leader: LeaderApp;
  /** The storage node with this id. */
  node(id: string): StorageNode;
  /** Closes the leader and every storage node still running. */
  close(): Promise<void>;
}

/** Storage nodes s1..sN listed UP in a fake registry, and a ready leader in front of them. */
export async function startCluster({
  storageIds = ['s1', 's2', 's3'],
  leaderEnv = {},
  storageEnv = {},
}: {
  storageIds?: string[];
  leaderEnv?: Record<string, string>;
  storageEnv?: Record<string, string>;
} = {}): Promise<TestCluster> {
  const storage = await startStorageNodes(storageIds, { ...FAST_CLUSTER_ENV, ...storageEnv });
  const registry = new FakeRegistry();
  for (const node of storage) registry.add({ id: node.id, url: node.url });
  let leader: LeaderApp;
  try {
    leader = await startLeader(registry, leaderEnv);
  } catch (error) {
    await closeAll(storage);
    throw error;
  }
  const cluster: TestCluster = {
    storage,
    registry,
    leader,
    node(id: string): StorageNode {
      const found = storage.find((n) => n.id === id);
      if (!found) throw new Error(`no storage node ${id}`);
      return found;
    },
    async close() {
      await cluster.leader.close();
      await closeAll(storage);
    },
  };
  return cluster;
}
