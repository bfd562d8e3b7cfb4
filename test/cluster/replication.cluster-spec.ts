import { partitionOf } from '../../src/common/hash.js';
import { TestCluster } from '../support/cluster.js';
import { call, inPool, keyPath } from '../support/kv-http.js';
import { waitFor } from '../support/poll.js';

// Invariants 1 and 3 with real processes: RF=3 over 5 storage nodes, one of them killed mid-write.
const HEARTBEAT_MS = 200;
const LEASE_MS = 1000;
const REPAIR_AFTER_MS = 1500;
const PARTITIONS = 32;
const KEYS = Array.from({ length: 5000 }, (_, i) => `acked/${String(i).padStart(5, '0')}`);
const valueOf = (key: string) => `value of ${key}`;

interface ClusterView {
  leader: { ready: boolean };
  nodes: { id: string; role: string; status: string }[];
  partitions: { partition: number; replicas: string[]; learners: string[]; state: string }[];
  unplaced: number[];
}

describe('replication with real processes (RF=3, 5 storage nodes)', () => {
  const cluster = new TestCluster({
    HEARTBEAT_INTERVAL_MS: String(HEARTBEAT_MS),
    LEASE_TTL_MS: String(LEASE_MS),
    PARTITIONS: String(PARTITIONS),
    REPLICATION_FACTOR: '3',
    REPAIR_AFTER_MS: String(REPAIR_AFTER_MS),
    // One copy at a time, so a repair of many partitions takes long enough to kill the leader in it.
    REPAIR_CONCURRENCY: '1',
    REQUEST_TIMEOUT_MS: '1000',
  });
  const leader = () => cluster.leader.url;
  const view = async () => (await call<ClusterView>(leader(), 'GET', '/cluster')).body;
  const acked = new Map<string, number>();
  /** The /cluster states seen for storage-4's partitions after it was killed. */
  const statesSeen = new Set<string>();

  beforeAll(async () => {
    await cluster.startDefault(5);
    await waitFor('the leader to see 5 storage nodes', async () => {
      const v = await view();
      return v.leader.ready && v.nodes.filter((n) => n.role === 'storage' && n.status === 'UP').length === 5;
    }, { timeoutMs: 20_000 });
  }, 90_000);

  afterAll(async () => {
    await cluster.stopAll();
  });

  it('loses no acknowledged write when a storage node is killed -9 in the middle of 5,000 writes', async () => {
    let written = 0;
    const writer = inPool(KEYS, 24, async (key) => {
      const answer = await call(leader(), 'PUT', keyPath(key), { value: valueOf(key) });
      if (answer.status === 200 || answer.status === 201) acked.set(key, answer.body.revision as number);
      written += 1;
    });
    await waitFor('a fifth of the writes', () => written >= KEYS.length / 5, { timeoutMs: 60_000 });
    await cluster.node('storage-4').stop('SIGKILL');
    await waitFor('/cluster to report storage-4 DOWN and its partitions not healthy', async () => {
      const v = await view();
      for (const p of v.partitions) if (p.replicas.includes('storage-4')) statesSeen.add(p.state);
      return v.nodes.find((n) => n.id === 'storage-4')?.status === 'DOWN' && statesSeen.has('under-replicated');
    }, { timeoutMs: 10_000, intervalMs: 50 });
    await writer;

    // With one node of five gone, every partition still has a majority: (almost) every write succeeds.
    expect(acked.size).toBeGreaterThan(KEYS.length * 0.99);
    const reads = await inPool([...acked.keys()], 24, async (key) => ({ key, answer: await call(leader(), 'GET', keyPath(key)) }));
    const lost = reads.filter(({ key, answer }) => answer.status !== 200 || answer.body.value !== valueOf(key) || answer.body.revision !== acked.get(key));
    expect(lost.map(({ key, answer }) => `${key}: ${answer.status}`)).toEqual([]);
  }, 180_000);

  it('reports under-replicated partitions, then repairs back to 3 replicas per partition without restarting anything', async () => {
    expect(statesSeen.has('under-replicated')).toBe(true);

    const healed = await waitFor('every partition on 3 live replicas, none on storage-4', async () => {
      const v = await view();
      return (
        v.partitions.length + v.unplaced.length === PARTITIONS &&
        v.partitions.every((p) => p.replicas.length === 3 && !p.replicas.includes('storage-4') && p.state === 'healthy') &&
        v
      );
    }, { timeoutMs: 60_000, intervalMs: 200 });
    for (const p of healed.partitions) expect(new Set(p.replicas).size).toBe(3);

    // The copies are real: every acknowledged key still reads back, now from the new replica sets.
    const reads = await inPool([...acked.keys()], 24, async (key) => ({ key, answer: await call(leader(), 'GET', keyPath(key)) }));
    expect(reads.filter(({ key, answer }) => answer.status !== 200 || answer.body.value !== valueOf(key)).length).toBe(0);
  }, 120_000);

  it('keeps answering within the timeout through the majority while a replica is hung (SIGSTOP), then catches it up', async () => {
    const hung = cluster.node('storage-2');
    const keys = [...acked.keys()].filter((k) => partitionOf(k, PARTITIONS) % 2 === 0).slice(0, 300);
    hung.signal('SIGSTOP');
    try {
      const started = Date.now();
      const writes = await inPool(keys, 16, (key) => call(leader(), 'PUT', keyPath(key), { value: `${valueOf(key)} v2` }));
      expect(writes.filter((w) => w.status !== 200).map((w) => `${w.status} ${String(w.body.message)}`)).toEqual([]);
      const reads = await inPool(keys, 16, (key) => call(leader(), 'GET', keyPath(key)));
      expect(reads.filter((r) => r.status !== 200 || r.body.value !== `${valueOf(String(r.body.key))} v2`)).toEqual([]);
      expect(Date.now() - started).toBeLessThan(60_000);
    } finally {
      hung.signal('SIGCONT');
    }
    await waitFor('storage-2 UP again', async () => (await view()).nodes.find((n) => n.id === 'storage-2')?.status === 'UP', { timeoutMs: 10_000 });
    const after = await inPool(keys, 16, (key) => call(leader(), 'GET', keyPath(key)));
    expect(after.every((r) => r.status === 200 && r.body.value === `${valueOf(String(r.body.key))} v2`)).toBe(true);
  }, 120_000);

  it('lists every acknowledged key exactly once, merged across replicas', async () => {
    const listed: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: { key: string }[]; nextCursor: string | null } } = await call(
        leader(),
        'GET',
        `/kv?prefix=acked/&limit=1000${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status).toBe(200);
      listed.push(...page.body.items.map((i) => i.key));
      cursor = page.body.nextCursor;
    } while (cursor);
    // In order, no duplicates, every acknowledged key; a write that answered 503 may or may not be there.
    expect(listed).toEqual([...new Set(listed)].sort());
    const all = new Set(listed);
    expect([...acked.keys()].filter((k) => !all.has(k))).toEqual([]);
    expect(listed.every((k) => KEYS.includes(k))).toBe(true);
  }, 60_000);

  it('counts exactly: 20 concurrent If-Match increments of one counter key', async () => {
    const key = 'counter/hits';
    expect((await call(leader(), 'PUT', keyPath(key), { value: '0' }, { 'If-None-Match': '*' })).status).toBe(201);
    let succeeded = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        for (let attempt = 0; attempt < 200; attempt++) {
          const current = await call(leader(), 'GET', keyPath(key));
          const next = String(Number(current.body.value) + 1);
          const put = await call(leader(), 'PUT', keyPath(key), { value: next }, { 'If-Match': `"${String(current.body.revision)}"` });
          if (put.status === 200) {
            succeeded += 1;
            return;
          }
          expect(put.status).toBe(412);
        }
      }),
    );
    expect(succeeded).toBe(20);
    expect((await call(leader(), 'GET', keyPath(key))).body.value).toBe('20');
  }, 60_000);

  it('finishes a repair after the leader is killed -9 in the middle of it, and loses nothing', async () => {
    await cluster.node('storage-5').stop('SIGKILL');
    await waitFor('a repair under way (a partition moving)', async () => (await view()).partitions.some((p) => p.learners.length > 0 || !p.replicas.includes('storage-5')) && (await view()).partitions.some((p) => p.replicas.includes('storage-5')), {
      timeoutMs: 20_000,
      intervalMs: 20,
    });
    await cluster.leader.stop('SIGKILL');
    await cluster.leader.start();

    await waitFor('every partition on 3 healthy replicas without storage-4 or storage-5', async () => {
      const v = await view();
      return v.leader.ready && v.partitions.every((p) => p.replicas.length === 3 && !p.replicas.includes('storage-5') && !p.replicas.includes('storage-4') && p.state === 'healthy');
    }, { timeoutMs: 60_000, intervalMs: 200 });
    const reads = await inPool([...acked.keys()], 24, async (key) => ({ key, answer: await call(leader(), 'GET', keyPath(key)) }));
    expect(reads.filter(({ answer }) => answer.status !== 200).map(({ key, answer }) => `${key}: ${answer.status}`)).toEqual([]);
  }, 120_000);
});
