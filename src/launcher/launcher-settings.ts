import { isAbsolute, resolve } from 'node:path';
import { LauncherError } from './launcher-error.js';

/** What the launcher itself needs to know, read from its environment in one place. */
export interface LauncherSettings {
  /** The leader's port; the registry gets base+100, storage node i base+100+i. */
  readonly basePort: number;
  /** Absolute; holds the cluster secret and one directory per node. */
  readonly dataDir: string;
  /** Colour the output tags (stdout is a terminal and NO_COLOR is not set). */
  readonly colour: boolean;
  /** How many storage nodes to run (DDB_STORAGE_NODES, 1..9, default 3). */
  readonly storageNodes: number;
  /** The user's CLUSTER_SECRET, which wins over the generated one. */
  readonly clusterSecret?: string;
  /**
   * The rest of the user's environment, handed to every node as is, so that PARTITIONS, LOG_LEVEL,
   * API_TOKEN, … apply to the whole cluster. The variables the launcher sets per node are left out.
   */
  readonly inherited: Readonly<Record<string, string>>;
}

/** Set per node by the launcher (see cluster-plan.ts), so the user's values for them are not inherited. */
export const PER_NODE_VARIABLES = [
  'ROLE',
  'NODE_ID',
  'HOST',
  'PORT',
  'ADVERTISE_URL',
  'REGISTRY_URL',
  'DATA_DIR',
  'CLUSTER_SECRET',
] as const;

export const DEFAULT_BASE_PORT = 4000;
/** The highest port the cluster uses is base + this (at most 9 storage nodes). */
export const PORT_SPAN = 109;
export const MAX_STORAGE_NODES = 9;

/**
 * The only place the launcher reads its environment. The launcher is a dev tool, not a node,
 * so it reads process.env itself instead of going through config/.
 */
export function readLauncherSettings(
  env: NodeJS.ProcessEnv,
  { cwd, stdoutIsTty }: { cwd: string; stdoutIsTty: boolean },
): LauncherSettings {
  const dataDir = env.DDB_DATA_DIR || './data';
  const skipped = new Set<string>(PER_NODE_VARIABLES);
  const inherited: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && !skipped.has(name) && !name.startsWith('DDB_')) inherited[name] = value;
  }
  // The nodes write to a pipe (the launcher), so they would pick JSON logs; a person is reading.
  if (stdoutIsTty && inherited.LOG_FORMAT === undefined) inherited.LOG_FORMAT = 'pretty';
  return {
    basePort: parseBasePort(env.DDB_BASE_PORT),
    storageNodes: parseStorageNodes(env.DDB_STORAGE_NODES),
    dataDir: isAbsolute(dataDir) ? dataDir : resolve(cwd, dataDir),
    colour: stdoutIsTty && !env.NO_COLOR,
    clusterSecret: env.CLUSTER_SECRET || undefined,
    inherited,
  };
}

function parseStorageNodes(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 3;
  const count = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!Number.isInteger(count) || count < 1 || count > MAX_STORAGE_NODES) {
    throw new LauncherError(`DDB_STORAGE_NODES=${JSON.stringify(raw)} is invalid: must be a whole number from 1 to ${MAX_STORAGE_NODES}`);
  }
  return count;
}

function parseBasePort(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_BASE_PORT;
  const port = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!Number.isInteger(port) || port < 1 || port + PORT_SPAN > 65535) {
    throw new LauncherError(
      `DDB_BASE_PORT=${JSON.stringify(raw)} is invalid: must be a whole number from 1 to ${65535 - PORT_SPAN} ` +
        `(the leader gets it, the registry base+100, the storage nodes base+101…base+${PORT_SPAN})`,
    );
  }
  return port;
}
