import { planCluster } from './cluster-plan.js';
import { readLauncherSettings } from './launcher-settings.js';

const SECRET = 'a'.repeat(64);

function settingsFor(env: NodeJS.ProcessEnv, stdoutIsTty = false) {
  return readLauncherSettings(env, { cwd: '/home/me/project', stdoutIsTty });
}

describe(planCluster.name, () => {
  it('starts the registry, then three storage nodes, then the leader, on the default ports', () => {
    const sut = planCluster(settingsFor({}), SECRET);
    expect(sut.map((n) => [n.name, n.role, n.url])).toEqual([
      ['registry', 'registry', 'http://127.0.0.1:4100'],
      ['storage-1', 'storage', 'http://127.0.0.1:4101'],
      ['storage-2', 'storage', 'http://127.0.0.1:4102'],
      ['storage-3', 'storage', 'http://127.0.0.1:4103'],
      ['leader', 'leader', 'http://127.0.0.1:4000'],
    ]);
  });

  it('gives each node its identity, data dir, the secret and the registry URL', () => {
    const [registry, storage1, , , leader] = planCluster(settingsFor({ DDB_BASE_PORT: '5000' }), SECRET);
    expect(storage1.env).toMatchObject({
      ROLE: 'storage',
      NODE_ID: 'storage-1',
      HOST: '127.0.0.1',
      PORT: '5101',
      ADVERTISE_URL: 'http://127.0.0.1:5101',
      DATA_DIR: '/home/me/project/data/storage-1',
      CLUSTER_SECRET: SECRET,
      REGISTRY_URL: 'http://127.0.0.1:5100',
    });
    expect(leader.env).toMatchObject({
      ROLE: 'leader',
      NODE_ID: 'leader',
      PORT: '5000',
      REGISTRY_URL: 'http://127.0.0.1:5100',
    });
    expect(registry.env.REGISTRY_URL).toBeUndefined();
  });

  it("passes the user's settings through but not their per-node ones", () => {
    const env = {
      PARTITIONS: '16',
      LOG_LEVEL: 'debug',
      NODE_ID: 'mine',
      ADVERTISE_URL: 'http://x:1',
      DDB_DATA_DIR: '/d',
    };
    const [, storage1] = planCluster(settingsFor(env), SECRET);
    expect(storage1.env).toMatchObject({ PARTITIONS: '16', LOG_LEVEL: 'debug', NODE_ID: 'storage-1' });
    expect(storage1.env.ADVERTISE_URL).toBe('http://127.0.0.1:4101');
    expect(storage1.env.DATA_DIR).toBe('/d/storage-1');
    expect(storage1.env.DDB_DATA_DIR).toBeUndefined();
  });

  it("turns the nodes' own log colours off unless ours are on", () => {
    expect(planCluster(settingsFor({}, false), SECRET)[0].env.NO_COLOR).toBe('1');
    expect(planCluster(settingsFor({}, true), SECRET)[0].env.NO_COLOR).toBeUndefined();
  });
});

describe(readLauncherSettings.name, () => {
  it('colours only on a terminal, and never with NO_COLOR', () => {
    expect(settingsFor({}, true).colour).toBe(true);
    expect(settingsFor({}, false).colour).toBe(false);
    expect(settingsFor({ NO_COLOR: '1' }, true).colour).toBe(false);
  });

  it('asks the nodes for pretty logs on a terminal, JSON otherwise, and keeps the user LOG_FORMAT', () => {
    expect(settingsFor({}, true).inherited.LOG_FORMAT).toBe('pretty');
    expect(settingsFor({}, false).inherited.LOG_FORMAT).toBeUndefined();
    expect(settingsFor({ LOG_FORMAT: 'json' }, true).inherited.LOG_FORMAT).toBe('json');
  });

  it.each(['abc', '0', '65500', '-1', '4000.5'])('rejects DDB_BASE_PORT=%s with a message', (port) => {
    expect(() => settingsFor({ DDB_BASE_PORT: port })).toThrow(/DDB_BASE_PORT=.* is invalid/);
  });
});
