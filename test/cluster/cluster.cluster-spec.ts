import { partitionOf } from '../../src/common/hash.js';
import { TestCluster } from '../support/cluster.js';
import { call, inPool, keyPath } from '../support/kv-http.js';
import { waitFor } from '../support/poll.js';

// The whole cluster as real processes: placement, failure of a node, restart of every role.
const HEARTBEAT_MS = 200;
const LEASE_MS = 1000;
const PARTITIONS = 64;
const KEYS = Array.from({ length: 3000 }, (_, i) => `user/${String(i).padStart(4, '0')}`);
const valueOf = (key: string) => JSON.stringify({ key, n: key.length });

interface ClusterView {
  leader: { ready: boolean; revision: number };
  nodes: { id: string; role: string; status: string; keyCount?: number; partitions: number }[];
  partitions: { partition: number; replicas: string[] }[];
}
interface RegistryList {
  nodes: { id: string; status: string }[];
}

describe('a local cluster of real processes', () => {
  const cluster = new TestCluster({
    HEARTBEAT_INTERVAL_MS: String(HEARTBEAT_MS),
    LEASE_TTL_MS: String(LEASE_MS),
    DOWN_RETENTION_MS: '60000',
    PARTITIONS: String(PARTITIONS),
    REQUEST_TIMEOUT_MS: '2000',
    // One replica per partition: this file is about placement and about what a dead node's keys
    // do without replication (replication.cluster-spec.ts covers RF=3).
    REPLICATION_FACTOR: '1',
  });
  const revisions = new Map<string, number>();
  const leader = () => cluster.leader.url;
  const clusterView = async () => (await call<ClusterView>(leader(), 'GET', '/cluster')).body;
  const registryNodes = async () =>
    (await call<RegistryList>(cluster.registry.url, 'GET', '/registry/nodes', undefined, cluster.internalHeaders())).body.nodes;
  const readAll = (keys: string[]) => inPool(keys, 32, async (key) => ({ key, answer: await call(leader(), 'GET', keyPath(key)) }));

  beforeAll(async () => {
    await cluster.startDefault(3);
    await waitFor('the leader to see 3 storage nodes', async () => {
      const view = await clusterView();
      return view.leader.ready && view.nodes.filter((n) => n.role === 'storage' && n.status === 'UP').length === 3;
    });
  }, 60_000);

  afterAll(async () => {
    await cluster.stopAll();
  });

  afterEach(() => {
    const state = expect.getState();
    if (state.assertionCalls > 0 && state.suppressedErrors.length > 0) console.log(cluster.dump());
  });

  it('writes 3,000 keys and spreads them over every storage node (each holds at least 20%)', async () => {
    const answers = await inPool(KEYS, 32, (key) => call(leader(), 'PUT', keyPath(key), { value: valueOf(key) }));
    expect(answers.flatMap((a, i) => (a.status === 201 ? [] : [`${KEYS[i]}: ${a.status} ${String(a.body.message)}`]))).toEqual([]);
    KEYS.forEach((key, i) => revisions.set(key, answers[i].body.revision as number));

    const view = await waitFor('heartbeats to report 3,000 keys', async () => {
      const v = await clusterView();
      const total = v.nodes.filter((n) => n.role === 'storage').reduce((sum, n) => sum + (n.keyCount ?? 0), 0);
      return total === KEYS.length && v;
    });
    for (const node of view.nodes.filter((n) => n.role === 'storage')) {
      expect(node.keyCount).toBeGreaterThanOrEqual(0.2 * KEYS.length);
    }
  }, 60_000);

  it('reads every key back with its value and revision', async () => {
    const reads = await readAll(KEYS);
    const wrong = reads.filter(({ key, answer }) => answer.status !== 200 || answer.body.value !== valueOf(key) || answer.body.revision !== revisions.get(key));
    expect(wrong).toEqual([]);
  }, 60_000);

  it('lists exactly the written keys, in order, across pages', async () => {
    const listed: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `/kv?prefix=user/&limit=250${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await call<{ items: { key: string }[]; nextCursor: string | null }>(leader(), 'GET', query);
      expect(page.status).toBe(200);
      listed.push(...page.body.items.map((i) => i.key));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(listed).toEqual(KEYS);
  }, 60_000);

  it('lets a storage node leave gracefully on SIGTERM, and come back with its keys', async () => {
    const node = cluster.node('storage-3');
    await node.stop('SIGTERM');
    await waitFor('storage-3 to leave the registry', async () => !(await registryNodes()).some((n) => n.id === 'storage-3'), { timeoutMs: 5000 });

    await node.start();
    await waitFor('storage-3 to be UP again', async () => (await registryNodes()).some((n) => n.id === 'storage-3' && n.status === 'UP'));
    const owners = new Map((await clusterView()).partitions.map((p) => [p.partition, p.replicas[0]]));
    const mine = KEYS.filter((key) => owners.get(partitionOf(key, PARTITIONS)) === 'storage-3');
    expect(mine.length).toBeGreaterThan(0);
    await waitFor('a storage-3 key readable', async () => (await call(leader(), 'GET', keyPath(mine[0]))).status === 200, {
      timeoutMs: 15_000,
    });
    const reads = await readAll(mine);
    expect(reads.map((r) => r.answer.status === 200 && r.answer.body.value)).toEqual(mine.map(valueOf));
  }, 60_000);

  it('marks a kill -9ed storage node DOWN within lease TTL + one interval; its keys answer 503, the others 200', async () => {
    const victim = cluster.node('storage-2');
    const view = await clusterView();
    const owners = new Map(view.partitions.map((p) => [p.partition, p.replicas[0]]));
    const onVictim = KEYS.filter((k) => owners.get(partitionOf(k, PARTITIONS)) === 'storage-2');
    const elsewhere = KEYS.filter((k) => owners.get(partitionOf(k, PARTITIONS)) !== 'storage-2');

    const killedAt = Date.now();
    await victim.stop('SIGKILL');
    await waitFor('storage-2 DOWN', async () => (await registryNodes()).some((n) => n.id === 'storage-2' && n.status === 'DOWN'), { timeoutMs: 5000, intervalMs: 20 });
    expect(Date.now() - killedAt).toBeLessThanOrEqual(LEASE_MS + HEARTBEAT_MS + 250);

    const victimReads = await readAll(onVictim.slice(0, 200));
    expect(new Set(victimReads.map((r) => r.answer.status))).toEqual(new Set([503]));
    expect(victimReads[0].answer.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(victimReads[0].answer.body.message).toMatch(/partition \d+/);
    const otherReads = await readAll(elsewhere.slice(0, 400));
    expect(otherReads.filter((r) => r.answer.status !== 200)).toEqual([]);

    await victim.start();
    await waitFor('a storage-2 key readable again', async () => (await call(leader(), 'GET', keyPath(onVictim[0]))).status === 200, {
      timeoutMs: 15_000,
    });
    const back = await readAll(onVictim);
    expect(back.map((r) => r.answer.status === 200 && r.answer.body.value)).toEqual(onVictim.map(valueOf));
  }, 60_000);

  it('rebuilds everything after kill -9 and restart of the leader; new writes get higher revisions', async () => {
    const highest = Math.max(...revisions.values());
    await cluster.leader.stop('SIGKILL');
    await cluster.leader.start();
    await waitFor('the new leader to be ready', async () => (await clusterView()).leader.ready, { timeoutMs: 15_000 });

    const reads = await readAll(KEYS);
    expect(reads.filter(({ key, answer }) => answer.status !== 200 || answer.body.value !== valueOf(key))).toEqual([]);

    const written = await call(leader(), 'PUT', keyPath('user/0000'), { value: 'after restart' });
    expect(written.status).toBe(200);
    expect(written.body.revision).toBeGreaterThan(highest);
    const fresh = await call(leader(), 'PUT', keyPath('fresh/key'), { value: 'new' });
    expect(fresh.status).toBe(201);
    expect(fresh.body.revision).toBeGreaterThan(written.body.revision as number);
  }, 60_000);

  it('has every node back in the registry within one lease after the registry restarts', async () => {
    await cluster.registry.stop('SIGKILL');
    await cluster.registry.start();
    const restartedAt = Date.now();
    await waitFor('the leader and 3 storage nodes back', async () => {
      const nodes = await registryNodes();
      return nodes.length === 4 && nodes.every((n) => n.status === 'UP');
    }, { timeoutMs: 5000, intervalMs: 20 });
    expect(Date.now() - restartedAt).toBeLessThanOrEqual(LEASE_MS);
    expect((await call(leader(), 'GET', keyPath('user/0001'))).status).toBe(200);
  }, 30_000);
});
