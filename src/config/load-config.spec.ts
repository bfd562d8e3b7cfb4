import { ConfigError, loadConfig } from './load-config.js';
import { Role } from './role.js';

const SECRET = 'a-cluster-secret-of-enough-length';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('fills in the documented defaults', () => {
    const sut = loadConfig({ ROLE: 'registry', CLUSTER_SECRET: SECRET });
    expect(sut).toMatchObject({
      role: Role.Registry,
      port: 3000,
      host: '0.0.0.0',
      partitions: 64,
      maxValueBytes: 1048576,
      heartbeatIntervalMs: 1000,
      leaseTtlMs: 5000,
      downRetentionMs: 60000,
      storageEngine: 'lmdb',
      insecure: false,
      shutdownTimeoutMs: 1500,
    });
  });

  it('writes JSON logs unless LOG_FORMAT says pretty (the default only at a terminal)', () => {
    const base = { ROLE: 'registry', CLUSTER_SECRET: SECRET };
    expect(loadConfig({ ...base, LOG_FORMAT: 'pretty' }).logFormat).toBe('pretty');
    expect(loadConfig({ ...base, LOG_FORMAT: 'json' }).logFormat).toBe('json');
    expect(loadConfig(base).logFormat).toBe(process.stdout.isTTY ? 'pretty' : 'json');
  });

  it('reads numbers, booleans and URLs from strings', () => {
    const sut = loadConfig({
      ROLE: 'storage',
      PORT: '4101',
      INSECURE: 'true',
      REGISTRY_URL: 'http://registry:3000/',
      PARTITIONS: '16',
      STORAGE_ENGINE: 'memory',
    });
    expect(sut).toMatchObject({ port: 4101, insecure: true, registryUrl: 'http://registry:3000', partitions: 16 });
  });

  it('names the variable and the bad value', () => {
    const problems = problemsOf({ ROLE: 'database', PORT: 'eighty', CLUSTER_SECRET: SECRET });
    expect(problems).toEqual(
      expect.arrayContaining([expect.stringContaining('ROLE="database"'), expect.stringContaining('PORT="eighty"')]),
    );
  });

  it('requires ROLE', () => {
    expect(problemsOf({ CLUSTER_SECRET: SECRET })[0]).toMatch(/^ROLE is required/);
  });

  it('refuses to start without a cluster secret unless INSECURE=true is explicit', () => {
    expect(problemsOf({ ROLE: 'registry' })).toEqual([expect.stringContaining('CLUSTER_SECRET is required')]);
    expect(loadConfig({ ROLE: 'registry', INSECURE: 'true' }).clusterSecret).toBeUndefined();
  });

  it('hides secrets in messages', () => {
    expect(problemsOf({ ROLE: 'registry', CLUSTER_SECRET: 'short' })[0]).toBe(
      'CLUSTER_SECRET="<hidden>" is invalid: must be at least 16 characters',
    );
  });

  it('requires REGISTRY_URL for storage and leader', () => {
    expect(problemsOf({ ROLE: 'leader', CLUSTER_SECRET: SECRET })).toEqual(['REGISTRY_URL is required when ROLE=leader']);
  });

  it('refuses a lease that is not longer than two heartbeats', () => {
    expect(problemsOf({ ROLE: 'registry', CLUSTER_SECRET: SECRET, HEARTBEAT_INTERVAL_MS: '1000', LEASE_TTL_MS: '2000' })[0]).toMatch(
      /^LEASE_TTL_MS=2000 is invalid/,
    );
  });

  it.each([
    ['INSECURE', 'maybe'],
    ['STORAGE_ENGINE', 'rocksdb'],
    ['PARTITIONS', '0'],
    ['CAPACITY_BYTES', '12.5'],
    ['REGISTRY_URL', 'not a url'],
    ['NODE_ID', 'has space'],
    ['LOG_FORMAT', 'xml'],
    ['SHUTDOWN_TIMEOUT_MS', '-5'],
  ])('rejects %s=%s', (name, value) => {
    expect(problemsOf({ ROLE: 'registry', CLUSTER_SECRET: SECRET, [name]: value })[0]).toContain(`${name}=`);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ ROLE: 'registry', CLUSTER_SECRET: SECRET, PORT: '' }).port).toBe(3000);
  });
});
