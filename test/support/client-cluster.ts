import { DistributedDbClient } from '../../src/client/index.js';
import { TestCluster } from './cluster.js';
import { waitFor } from './poll.js';

/**
 * A cluster of real processes for the client and CLI tests: a registry, `storage` storage nodes
 * and a leader, one replica per partition (REPLICATION_FACTOR=1: these tests are about the client,
 * and every write costs one storage round trip), ready when the leader has rebuilt its table and
 * sees every storage node UP.
 */
export const CLIENT_CLUSTER_ENV = {
  HEARTBEAT_INTERVAL_MS: '200',
  LEASE_TTL_MS: '1000',
  DOWN_RETENTION_MS: '60000',
  PARTITIONS: '16',
  // The leader's patience with a storage node. The 2 s default gave 503s when other suites
  // shared the 2 cores with a 10,000-key load; a dead node is refused at once anyway.
  REQUEST_TIMEOUT_MS: '10000',
  REPLICATION_FACTOR: '1',
} as const;

/**
 * The nodes are named `<name>-registry`, `<name>-storage-<n>` and `<name>-leader`, so their
 * process titles (ddb-<name>-leader …) differ from every other cluster's on the machine, and a
 * `pkill -f ddb-leader` meant for another one does not end them.
 */
export async function startClientCluster(name: string, storage: number, env: Record<string, string> = {}): Promise<TestCluster> {
  const cluster = new TestCluster({ ...CLIENT_CLUSTER_ENV, ...env });
  try {
    await cluster.add({ name: `${name}-registry`, role: 'registry' });
    for (let i = 1; i <= storage; i++) await cluster.add({ name: `${name}-storage-${i}`, role: 'storage' });
    await cluster.add({ name: `${name}-leader`, role: 'leader' });
    await waitUntilReady(cluster, storage, env.API_TOKEN);
    return cluster;
  } catch (error) {
    console.log(describeNodes(cluster));
    await cluster.stopAll();
    throw error;
  }
}

/** For a failing test: each node's state (running, or how it ended) and the end of its output. */
export function describeNodes(cluster: TestCluster): string {
  return [...cluster.nodes.values()]
    .map((node) => {
      const child = node.process;
      const state = node.running ? 'running' : `ended (exit code ${child?.exitCode}, signal ${child?.signalCode})`;
      return `===== ${node.spec.name}: ${state}\n${node.log.join('').slice(-3000)}`;
    })
    .join('\n');
}

/**
 * `it`, printing what the clusters' nodes were doing when the test fails (jest reports only the
 * failed assertion, and a node that died says why only in its own output).
 */
export function itWithNodeLogs(clusters: () => (TestCluster | undefined)[]) {
  return (name: string, body: () => Promise<void>, timeoutMs?: number): void =>
    it(name, async () => {
      try {
        await body();
      } catch (error) {
        console.log(clusters().filter((c) => c !== undefined).map(describeNodes).join('\n'));
        throw error;
      }
    }, timeoutMs);
}

/** Polls GET /cluster until the leader is ready and sees `storage` storage nodes UP. */
export async function waitUntilReady(cluster: TestCluster, storage: number, token?: string): Promise<void> {
  const sdk = new DistributedDbClient({ url: cluster.leader.url, token, retries: 0, timeoutMs: 2000 });
  await waitFor(
    `the leader to be ready with ${storage} storage node(s) UP`,
    async () => {
      const view = await sdk.cluster();
      return view.leader.ready && view.nodes.filter((n) => n.role === 'storage' && n.status === 'UP').length === storage;
    },
    { timeoutMs: 20_000, intervalMs: 100 },
  );
}
