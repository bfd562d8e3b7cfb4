import { TestCluster } from '../support/cluster.js';
import { call, inPool, keyPath } from '../support/kv-http.js';
import { waitFor } from '../support/poll.js';

// Rebalancing with real processes: two empty nodes join a loaded cluster, then one is drained,
// while a writer and a reader keep going.
const PARTITIONS = 16;
const KEYS = Array.from({ length: 1000 }, (_, i) => `bal/${String(i).padStart(4, '0')}`);

interface ClusterView {
  nodes: { id: string; role: string; status: string; partitions: number; draining?: boolean }[];
  partitions: { partition: number; replicas: string[]; learners: string[]; state: string }[];
  completedMoves: number;
}

// RF=1 too: with a single replica nothing masks a write that a move loses.
describe.each(['3', '1'])('rebalancing with real processes (RF=%s)', (rf) => {
  const cluster = new TestCluster({
    HEARTBEAT_INTERVAL_MS: '200',
    LEASE_TTL_MS: '1000',
    PARTITIONS: String(PARTITIONS),
    REPLICATION_FACTOR: rf,
    REPAIR_CONCURRENCY: '2',
    REQUEST_TIMEOUT_MS: '1000',
  });
  const leader = () => cluster.leader.url;
  const view = async () => (await call<ClusterView>(leader(), 'GET', '/cluster')).body;
  const storageCounts = (v: ClusterView) => v.nodes.filter((n) => n.role === 'storage' && n.status === 'UP').map((n) => n.partitions);
  /** The newest value the writer got acknowledged per key, with its revision. */
  const acked = new Map<string, { value: string; revision: number }>();
  /** The highest revision the reader has seen per key: a later read must never return less. */
  const seen = new Map<string, number>();
  const problems: string[] = [];
  let stop = false;
  let load: Promise<unknown> | undefined;

  beforeAll(async () => {
    await cluster.startDefault(3);
    await waitFor('the leader to be ready', async () => (await view()).nodes.filter((n) => n.role === 'storage' && n.status === 'UP').length === 3, {
      timeoutMs: 20_000,
    });
    const failed: string[] = [];
    await inPool(KEYS, 24, async (key) => {
      const put = await call(leader(), 'PUT', keyPath(key), { value: `${key}#0` });
      if (put.status === 201) acked.set(key, { value: `${key}#0`, revision: put.body.revision as number });
      else failed.push(`${key}: ${put.status} ${String(put.body.message)}`);
    });
    expect(failed).toEqual([]);
    load = Promise.all([writer(), reader()]);
  }, 120_000);

  afterAll(async () => {
    stop = true;
    await load;
    await cluster.stopAll();
  });

  async function writer(): Promise<void> {
    for (let round = 1; !stop; round++) {
      const key = KEYS[(round * 7) % KEYS.length];
      const put = await call(leader(), 'PUT', keyPath(key), { value: `${key}#${round}` });
      if (put.status === 200) acked.set(key, { value: `${key}#${round}`, revision: put.body.revision as number });
      else problems.push(`PUT ${key}: ${put.status} ${String(put.body.message)}`);
    }
  }

  async function reader(): Promise<void> {
    for (let round = 0; !stop; round++) {
      const key = KEYS[(round * 13) % KEYS.length];
      const got = await call(leader(), 'GET', keyPath(key));
      if (got.status !== 200) {
        problems.push(`GET ${key}: ${got.status} ${String(got.body.message)}`);
        continue;
      }
      const revision = got.body.revision as number;
      if (revision < (seen.get(key) ?? 0)) problems.push(`GET ${key}: revision ${revision} after ${seen.get(key)} was read`);
      seen.set(key, Math.max(revision, seen.get(key) ?? 0));
    }
  }

  it('moves replicas onto 2 empty nodes that join until the nodes are even, losing nothing', async () => {
    await cluster.add({ name: 'storage-4', role: 'storage' });
    await cluster.add({ name: 'storage-5', role: 'storage' });
    const balanced = await waitFor(
      'replica counts within 1 of each other over 5 nodes, nothing moving',
      async () => {
        const v = await view();
        const counts = storageCounts(v);
        return counts.length === 5 && Math.max(...counts) - Math.min(...counts) <= 1 && v.partitions.every((p) => p.learners.length === 0) && v;
      },
      { timeoutMs: 90_000, intervalMs: 250 },
    );
    expect(balanced.completedMoves).toBeGreaterThan(0);
    expect(storageCounts(balanced).reduce((a, b) => a + b, 0)).toBe(PARTITIONS * Number(rf));
    expect(problems).toEqual([]);
    await expectEveryAckedWriteReadable();
  }, 120_000);

  it('drains a node: its replicas move away, it reports when empty, and every key stays readable', async () => {
    const drain = await call<{ draining: boolean; drained: boolean }>(leader(), 'POST', '/cluster/nodes/storage-5/drain');
    expect(drain.status).toBe(200);
    expect(drain.body.draining).toBe(true);
    await waitFor(
      'storage-5 drained',
      async () => (await call<{ drained: boolean }>(leader(), 'POST', '/cluster/nodes/storage-5/drain')).body.drained,
      { timeoutMs: 90_000, intervalMs: 250 },
    );
    const v = await view();
    expect(v.nodes.find((n) => n.id === 'storage-5')).toMatchObject({ draining: true, partitions: 0 });
    expect(v.partitions.every((p) => p.replicas.length === Number(rf) && !p.replicas.includes('storage-5'))).toBe(true);
    expect(problems).toEqual([]);
    await expectEveryAckedWriteReadable();
  }, 120_000);

  async function expectEveryAckedWriteReadable(): Promise<void> {
    const snapshot = [...acked];
    const reads = await inPool(snapshot, 24, async ([key, write]) => ({ key, write, got: await call(leader(), 'GET', keyPath(key)) }));
    const lost = reads.filter(({ write, got }) => got.status !== 200 || (got.body.revision as number) < write.revision);
    expect(lost.map(({ key, got }) => `${key}: ${got.status} rev ${String(got.body.revision)}`)).toEqual([]);
  }
});
