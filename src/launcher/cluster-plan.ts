import { join } from 'node:path';
import { Role } from '../config/role.js';
import type { LauncherSettings } from './launcher-settings.js';

/** One node of the local cluster: who it is, where it listens and the environment it starts with. */
export interface NodePlan {
  readonly name: string;
  readonly role: Role;
  readonly port: number;
  readonly url: string;
  readonly env: Readonly<Record<string, string>>;
}

export const LOCAL_HOST = '127.0.0.1';
export const STORAGE_NODES = 3;

/**
 * The local cluster, in start order: the registry, the storage nodes, the leader. Every node gets
 * the user's settings plus its own identity, port, data directory and the cluster secret.
 */
export function planCluster(settings: LauncherSettings, secret: string, storageNodes = STORAGE_NODES): NodePlan[] {
  const registryPort = settings.basePort + 100;
  const registryUrl = urlOf(registryPort);
  const node = (name: string, role: Role, port: number, extra: Record<string, string> = {}): NodePlan => ({
    name,
    role,
    port,
    url: urlOf(port),
    env: {
      ...settings.inherited,
      // Nest colours its logs even into a pipe; keep them plain when ours are.
      ...(settings.colour ? {} : { NO_COLOR: '1' }),
      ROLE: role,
      NODE_ID: name,
      HOST: LOCAL_HOST,
      PORT: String(port),
      ADVERTISE_URL: urlOf(port),
      DATA_DIR: join(settings.dataDir, name),
      CLUSTER_SECRET: secret,
      ...extra,
    },
  });
  const storage = Array.from({ length: storageNodes }, (_, i) =>
    node(`storage-${i + 1}`, Role.Storage, registryPort + 1 + i, { REGISTRY_URL: registryUrl }),
  );
  return [
    node('registry', Role.Registry, registryPort),
    ...storage,
    node('leader', Role.Leader, settings.basePort, { REGISTRY_URL: registryUrl }),
  ];
}

function urlOf(port: number): string {
  return `http://${LOCAL_HOST}:${port}`;
}
