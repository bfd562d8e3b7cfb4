/**
 * Our system as a user runs it: the built app (dist/main.js) as 1 registry, 3 storage nodes (LMDB
 * in temp dirs) and 1 leader, each its own process on a free port, with default settings except
 * REPLICATION_FACTOR.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../../test/support/poll.js';
import { freePort, waitUntilUp } from '../support/net.js';
import type { Resources, Service } from '../support/resources.js';

const MAIN = fileURLToPath(new URL('../../../../dist/main.js', import.meta.url));
const STORAGE_NODES = 3;

export interface DdbCluster {
  readonly leaderUrl: string;
  /** The cluster secret the nodes share (the leader's /metrics needs it). */
  readonly clusterSecret: string;
  readonly leader: Service;
  readonly storage: readonly Service[];
  readonly registry: Service;
  readonly dataDir: string;
  /**
   * Stops every node, leader first, each by closing its IPC channel (the app then closes and exits
   * normally, which is when --cpu-prof writes a profile), and removes the data.
   */
  stop(): Promise<void>;
}

export interface ClusterOptions {
  readonly rf: number;
  /** The node binary every node runs on (--node; the harness's own by default). */
  readonly nodeBinary: string;
  /** Extra node flags per node name, e.g. --cpu-prof. */
  readonly nodeArgs?: (node: string) => readonly string[];
}

interface ClusterView {
  leader: { ready: boolean };
  nodes: { role: string; status: string }[];
}

export async function startDdbCluster(resources: Resources, options: ClusterOptions): Promise<DdbCluster> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build first (npm run bench does)`);
  const root = resources.tempDir(`rf${options.rf}`);
  const secret = randomBytes(24).toString('hex');
  const node = async (name: string, role: string, extra: Record<string, string>) => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const service = resources.start({
      name,
      command: options.nodeBinary,
      args: [...(options.nodeArgs?.(name) ?? []), MAIN],
      env: {
        PATH: process.env.PATH ?? '',
        NO_COLOR: '1',
        ROLE: role,
        // The process title becomes ddb-bench-<name>: a `pkill -f ddb-leader` meant for another
        // cluster on this machine does not hit the benchmark's.
        NODE_ID: `bench-${name}`,
        HOST: '127.0.0.1',
        PORT: String(port),
        DATA_DIR: join(root, name),
        CLUSTER_SECRET: secret,
        ...extra,
      },
      ipc: true,
    });
    await waitUntilUp(service, `${url}/health`);
    return { service, url };
  };

  const registry = await node('registry', 'registry', {});
  const storage = await Promise.all(
    Array.from({ length: STORAGE_NODES }, (_, i) =>
      node(`storage-${i + 1}`, 'storage', { REGISTRY_URL: registry.url }),
    ),
  );
  const leader = await node('leader', 'leader', { REGISTRY_URL: registry.url, REPLICATION_FACTOR: String(options.rf) });
  await waitFor(
    `the leader to be ready with ${STORAGE_NODES} storage nodes UP`,
    async () => {
      const view = (await (await fetch(`${leader.url}/cluster`)).json()) as ClusterView;
      return (
        view.leader.ready &&
        view.nodes.filter((n) => n.role === 'storage' && n.status === 'UP').length === STORAGE_NODES
      );
    },
    { timeoutMs: 30_000, intervalMs: 100 },
  );

  return {
    leaderUrl: leader.url,
    clusterSecret: secret,
    leader: leader.service,
    storage: storage.map((s) => s.service),
    registry: registry.service,
    dataDir: root,
    async stop() {
      await resources.stop(leader.service, { graceful: true });
      await Promise.all(storage.map((s) => resources.stop(s.service, { graceful: true })));
      await resources.stop(registry.service, { graceful: true });
      resources.removeDir(root);
    },
  };
}
