import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { DEFAULTS, type AppConfig } from './app-config.js';
import { EnvironmentVariables } from './env.schema.js';
import { Role } from './role.js';

/** Thrown when the environment does not describe a valid node; the message names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

const KNOWN = new Set(Object.keys(new EnvironmentVariables()));

function describe(error: ValidationError, raw: Record<string, string | undefined>): string {
  const rules = Object.values(error.constraints ?? {}).join('; ');
  const value = raw[error.property];
  const shown = error.property.includes('SECRET') || error.property.includes('TOKEN') ? '<hidden>' : value;
  return value === undefined
    ? `${error.property} is required: ${rules}`
    : `${error.property}=${JSON.stringify(shown)} is invalid: ${rules}`;
}

/**
 * Validates the environment and returns the typed config. Pure: takes the environment as an
 * argument so tests can call it with any map.
 */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  // Only our variables, and an empty string counts as unset (`FOO= node …` is a common way to unset).
  const raw: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '' && KNOWN.has(k)) raw[k] = v;

  const vars = plainToInstance(EnvironmentVariables, raw);
  const problems = validateSync(vars, { stopAtFirstError: true }).map((e) => describe(e, raw));

  const insecure = vars.INSECURE === true;
  if (vars.ROLE !== undefined && !vars.CLUSTER_SECRET && !insecure && problems.length === 0) {
    problems.push('CLUSTER_SECRET is required (at least 16 characters); set INSECURE=true to run without one');
  }
  if ((vars.ROLE === Role.Storage || vars.ROLE === Role.Leader) && !vars.REGISTRY_URL) {
    problems.push(`REGISTRY_URL is required when ROLE=${vars.ROLE}`);
  }
  const heartbeat = vars.HEARTBEAT_INTERVAL_MS ?? DEFAULTS.heartbeatIntervalMs;
  const lease = vars.LEASE_TTL_MS ?? DEFAULTS.leaseTtlMs;
  if (lease <= 2 * heartbeat) {
    problems.push(
      `LEASE_TTL_MS=${lease} is invalid: must be more than twice HEARTBEAT_INTERVAL_MS (${heartbeat}), or a node goes DOWN between two heartbeats`,
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    role: vars.ROLE,
    port: vars.PORT ?? DEFAULTS.port,
    host: vars.HOST ?? DEFAULTS.host,
    nodeId: vars.NODE_ID,
    advertiseUrl: vars.ADVERTISE_URL?.replace(/\/+$/, ''),
    registryUrl: vars.REGISTRY_URL?.replace(/\/+$/, ''),
    clusterSecret: vars.CLUSTER_SECRET,
    insecure,
    apiToken: vars.API_TOKEN,
    dataDir: vars.DATA_DIR ?? DEFAULTS.dataDir,
    storageEngine: vars.STORAGE_ENGINE ?? DEFAULTS.storageEngine,
    capacityBytes: vars.CAPACITY_BYTES ?? DEFAULTS.capacityBytes,
    partitions: vars.PARTITIONS ?? DEFAULTS.partitions,
    maxValueBytes: vars.MAX_VALUE_BYTES ?? DEFAULTS.maxValueBytes,
    heartbeatIntervalMs: heartbeat,
    leaseTtlMs: lease,
    downRetentionMs: vars.DOWN_RETENTION_MS ?? DEFAULTS.downRetentionMs,
    requestTimeoutMs: vars.REQUEST_TIMEOUT_MS ?? DEFAULTS.requestTimeoutMs,
    replicationFactor: vars.REPLICATION_FACTOR ?? DEFAULTS.replicationFactor,
    repairAfterMs: vars.REPAIR_AFTER_MS ?? DEFAULTS.repairAfterMs,
    repairConcurrency: vars.REPAIR_CONCURRENCY ?? DEFAULTS.repairConcurrency,
    tombstoneTtlMs: vars.TOMBSTONE_TTL_MS ?? DEFAULTS.tombstoneTtlMs,
    logLevel: (vars.LOG_LEVEL as AppConfig['logLevel'] | undefined) ?? DEFAULTS.logLevel,
    logFormat: vars.LOG_FORMAT ?? (process.stdout.isTTY ? 'pretty' : 'json'),
    shutdownTimeoutMs: vars.SHUTDOWN_TIMEOUT_MS ?? DEFAULTS.shutdownTimeoutMs,
  };
}
