import { partitionOf } from '../../src/common/hash.js';
import { TestCluster } from '../support/cluster.js';
import { call, inPool, keyPath } from '../support/kv-http.js';
import { waitFor } from '../support/poll.js';

// What an operator sees of real processes: JSON logs that follow a request across nodes, and
// graceful shutdown on SIGTERM (in-flight requests finish, the node leaves the registry, data stays).
const PARTITIONS = 16;

interface ClusterView {
  partitions: { partition: number; replicas: string[] }[];
}
interface LogLine {
  role?: string;
  node?: string;
  req?: { id?: string; method?: string; url?: string };
  msg?: string;
}

describe('operating real processes: logs and graceful shutdown', () => {
  const cluster = new TestCluster({
    HEARTBEAT_INTERVAL_MS: '200',
    LEASE_TTL_MS: '1000',
    DOWN_RETENTION_MS: '60000',
    PARTITIONS: String(PARTITIONS),
    REPLICATION_FACTOR: '1',
    // Long enough for a write to outlive a storage node's pause (the in-flight test below).
    REQUEST_TIMEOUT_MS: '8000',
    SHUTDOWN_TIMEOUT_MS: '5000',
    LOG_LEVEL: 'debug',
    LOG_FORMAT: 'json',
  });
  const leader = () => cluster.leader.url;
  /** The node's complete output lines so far (a line still being written is left out), parsed. */
  const logOf = (name: string): LogLine[] => {
    const lines = cluster.node(name).log.join('').split('\n');
    lines.pop();
    return lines.filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as LogLine);
  };
  const registryIds = async () =>
    (
      await call<{ nodes: { id: string }[] }>(cluster.registry.url, 'GET', '/registry/nodes', undefined, cluster.internalHeaders())
    ).body.nodes.map((n) => n.id);
  const holderOf = async (key: string) => {
    const view = (await call<ClusterView>(leader(), 'GET', '/cluster')).body;
    return view.partitions.find((p) => p.partition === partitionOf(key, PARTITIONS))?.replicas[0];
  };
  const KEYS = Array.from({ length: 60 }, (_, i) => `ops/${i}`);

  beforeAll(async () => {
    await cluster.add({ name: 'registry', role: 'registry' });
    await Promise.all([cluster.add({ name: 'storage-1', role: 'storage' }), cluster.add({ name: 'storage-2', role: 'storage' })]);
    await cluster.add({ name: 'leader', role: 'leader' });
    await waitFor('the leader to be ready', async () => (await fetch(`${leader()}/health/ready`)).ok);
    const answers = await inPool(KEYS, 8, (key) => call(leader(), 'PUT', keyPath(key), { value: `v-${key}` }));
    expect(answers.map((a) => a.status)).toEqual(KEYS.map(() => 201));
  }, 60_000);

  afterAll(async () => {
    await cluster.stopAll();
  });

  afterEach(() => {
    const state = expect.getState();
    if (state.assertionCalls > 0 && state.suppressedErrors.length > 0) console.log(cluster.dump());
  });

  it('writes every log line as JSON with the role and node id', () => {
    for (const name of ['registry', 'storage-1', 'storage-2', 'leader']) {
      const lines = logOf(name);
      expect(lines.length).toBeGreaterThan(5);
      expect(lines.filter((line) => line.role !== cluster.node(name).spec.role || line.node !== name)).toEqual([]);
    }
  });

  it("follows one X-Request-Id from the client through the leader's log into the storage node's", async () => {
    const key = KEYS[7];
    const holder = await holderOf(key);
    const answer = await call(leader(), 'PUT', keyPath(key), { value: 'traced' }, { 'X-Request-Id': 'trace-ops-7' });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-request-id')).toBe('trace-ops-7');

    await waitFor('the request in both logs', () => {
      const atLeader = logOf('leader').some((l) => l.req?.id === 'trace-ops-7' && l.req.url === keyPath(key));
      const atStorage = logOf(holder!).some((l) => l.req?.id === 'trace-ops-7' && l.req.url === '/internal/ops');
      return atLeader && atStorage;
    }, { timeoutMs: 5000 });
    // Bearer secrets never reach a log.
    expect(cluster.dump()).not.toContain(cluster.secret);
  });

  it('stops a storage node on SIGTERM in under 2 s, after leaving the registry; its data is there after a restart', async () => {
    const node = cluster.node('storage-1');
    const mine: string[] = [];
    for (const key of KEYS) if ((await holderOf(key)) === 'storage-1') mine.push(key);
    expect(mine.length).toBeGreaterThan(0);

    const started = Date.now();
    await node.stop('SIGTERM');
    const took = Date.now() - started;

    expect(node.process?.exitCode).toBe(0);
    expect(took).toBeLessThan(2000);
    // Gone from the registry at once: it left, rather than being evicted (which takes LEASE_TTL_MS + DOWN_RETENTION_MS).
    expect(await registryIds()).not.toContain('storage-1');
    expect(logOf('storage-1').some((l) => l.msg === 'left the registry as storage-1')).toBe(true);

    await node.start();
    await waitFor('storage-1 back and its keys readable', async () => {
      const answers = await Promise.all(mine.map((key) => call(leader(), 'GET', keyPath(key))));
      return answers.every((a) => a.status === 200);
    }, { timeoutMs: 15_000 });
    const values = await Promise.all(mine.map(async (key) => (await call(leader(), 'GET', keyPath(key))).body.value));
    expect(values).toEqual(mine.map((key) => (key === KEYS[7] ? 'traced' : `v-${key}`)));
  }, 30_000);

  it('lets a request in flight finish when the leader gets SIGTERM, while refusing new connections', async () => {
    // Pause the storage node holding the key, so a write to it stays in flight at the leader.
    const key = KEYS[3];
    const holder = cluster.node((await holderOf(key))!);
    holder.signal('SIGSTOP');
    try {
      const write = call(leader(), 'PUT', keyPath(key), { value: 'in flight at shutdown' });
      await waitFor('the write in flight at the leader', async () => {
        const res = await fetch(`${leader()}/metrics`, { headers: cluster.internalHeaders() });
        const line = (await res.text()).split('\n').find((l) => l.startsWith('ddb_http_requests_in_flight'));
        return Number(line?.split(' ').pop()) >= 2; // the write, and this scrape
      });

      const leaderNode = cluster.leader;
      const exited = new Promise<number | null>((resolve) => leaderNode.process!.once('exit', (code) => resolve(code)));
      leaderNode.signal('SIGTERM');
      await waitFor('the leader to refuse new connections', async () => {
        try {
          await fetch(`${leader()}/health/live`, { signal: AbortSignal.timeout(1000) });
          return false;
        } catch {
          return true;
        }
      });
      holder.signal('SIGCONT');

      const answer = await write;
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ key });
      expect(await exited).toBe(0);
    } finally {
      holder.signal('SIGCONT');
    }
    await cluster.leader.start();
    await waitFor('the leader ready again', async () => (await fetch(`${leader()}/health/ready`)).ok);
    expect((await call(leader(), 'GET', keyPath(key))).body.value).toBe('in flight at shutdown');
  }, 40_000);
});
