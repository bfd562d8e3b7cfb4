import request from 'supertest';
import { partitionOf } from '../../src/common/hash.js';
import type { ClusterViewDto } from '../../src/leader/dto/cluster.dto.js';
import { inBatches } from '../support/kv-api.js';
import { FAST_CLUSTER_ENV, startCluster, type TestCluster } from '../support/leader-cluster.js';
import { startStorageNode, type StorageNode } from '../support/storage-nodes.js';
import { waitFor } from '../support/poll.js';
import { storageApi } from '../support/storage-api.js';
import { StorageClient } from '../../src/leader/storage-client.js';
import type { OpDto } from '../../src/storage/dto/ops.dto.js';

// RF=3 in process: quorum reads and writes, read repair, and repair of a lost replica.
const PARTITIONS = 64;
const SLOW = 60_000;
const KEYS = Array.from({ length: 150 }, (_, i) => `rep/${i}`);

function placementOf(view: ClusterViewDto, key: string) {
  const placed = view.partitions.find((p) => p.partition === partitionOf(key, PARTITIONS));
  if (!placed) throw new Error(`${key} is not placed`);
  return placed;
}

describe('replication (e2e, RF=3)', () => {
  let cluster: TestCluster;

  beforeEach(async () => {
    cluster = await startCluster({
      storageIds: ['s1', 's2', 's3', 's4'],
      leaderEnv: { REPLICATION_FACTOR: '3', REPAIR_AFTER_MS: '300', TOMBSTONE_TTL_MS: '200' },
    });
    await inBatches(KEYS, 20, (k) => cluster.leader.kv.putOk(k, `v1 of ${k}`));
  }, SLOW);

  afterEach(async () => {
    await cluster.close();
  });

  it(
    'places every written partition on 3 distinct nodes, all healthy',
    async () => {
      const view = await cluster.leader.kv.clusterOk();
      expect(view.replicationFactor).toBe(3);
      for (const p of view.partitions) {
        expect(new Set(p.replicas).size).toBe(3);
        expect(p.state).toBe('healthy');
      }
      // Each key is stored on exactly its three replicas.
      const key = KEYS[0];
      const { replicas, partition } = placementOf(view, key);
      for (const node of cluster.storage) {
        const record = await storageApi(node.http).record(partition, key);
        expect(record?.value ?? null).toBe(replicas.includes(node.id) ? `v1 of ${key}` : null);
      }
    },
    SLOW,
  );

  it(
    'keeps reading and writing every key while one replica of each partition is DOWN',
    async () => {
      cluster.registry.setStatus('s2', 'DOWN');
      await waitFor(
        'the leader to see s2 DOWN',
        async () => (await cluster.leader.kv.clusterOk()).nodes.find((n) => n.id === 's2')?.status === 'DOWN',
      );
      await inBatches(KEYS, 20, async (k) => expect((await cluster.leader.kv.getOk(k)).value).toBe(`v1 of ${k}`));
      await inBatches(KEYS, 20, (k) => cluster.leader.kv.putOk(k, `v2 of ${k}`));
      await inBatches(KEYS, 20, async (k) => expect((await cluster.leader.kv.getOk(k)).value).toBe(`v2 of ${k}`));
    },
    SLOW,
  );

  it(
    'answers 503 saying the write may or may not have applied when a majority is unreachable',
    async () => {
      const view = await cluster.leader.kv.clusterOk();
      const { replicas } = placementOf(view, KEYS[0]);
      await cluster.node(replicas[0]).close();
      await cluster.node(replicas[1]).close();
      const res = await cluster.leader.kv.put(KEYS[0], 'lost?').expect(503);
      expect(res.body.message).toMatch(/may or may not have been applied/);
      expect(res.body.outcome).toBe('unknown');
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
    },
    SLOW,
  );

  it(
    'writes the newest value back to a replica that missed it (read repair)',
    async () => {
      const key = KEYS[1];
      const { replicas, partition } = placementOf(await cluster.leader.kv.clusterOk(), key);
      const behind = replicas[0];
      cluster.registry.setStatus(behind, 'DOWN');
      await waitFor(
        'the leader to see it DOWN',
        async () => (await cluster.leader.kv.clusterOk()).nodes.find((n) => n.id === behind)?.status === 'DOWN',
      );
      const { revision } = await cluster.leader.kv.putOk(key, 'newest');
      expect((await storageApi(cluster.node(behind).http).record(partition, key))?.value).toBe(`v1 of ${key}`);

      cluster.registry.setStatus(replicas[1], 'DOWN');
      cluster.registry.setStatus(behind, 'UP');
      await waitFor('the leader to read from the stale replica', async () => {
        const nodes = (await cluster.leader.kv.clusterOk()).nodes;
        return (
          nodes.find((n) => n.id === behind)?.status === 'UP' &&
          nodes.find((n) => n.id === replicas[1])?.status === 'DOWN'
        );
      });
      const read = await cluster.leader.kv.getOk(key);
      expect(read).toEqual({ key, value: 'newest', revision });
      expect(await storageApi(cluster.node(behind).http).record(partition, key)).toEqual({ revision, value: 'newest' });
    },
    SLOW,
  );

  it(
    'replaces a replica DOWN longer than REPAIR_AFTER_MS: copy, switch, nothing lost',
    async () => {
      const before = await cluster.leader.kv.clusterOk();
      const onS3 = before.partitions.filter((p) => p.replicas.includes('s3')).map((p) => p.partition);
      expect(onS3.length).toBeGreaterThan(0);
      cluster.registry.setStatus('s3', 'DOWN');
      await cluster.node('s3').close();
      await inBatches(KEYS.slice(0, 50), 10, (k) => cluster.leader.kv.putOk(k, `v2 of ${k}`));

      const repaired = await waitFor(
        'every partition back to 3 healthy replicas without s3',
        async () => {
          const view = await cluster.leader.kv.clusterOk();
          return (
            view.partitions.every(
              (p) => p.replicas.length === 3 && !p.replicas.includes('s3') && p.state === 'healthy',
            ) && view
          );
        },
        { timeoutMs: 20_000 },
      );
      for (const p of onS3) {
        expect(repaired.partitions.find((x) => x.partition === p)!.epoch).toBeGreaterThan(
          before.partitions.find((x) => x.partition === p)!.epoch,
        );
      }
      // Every key readable with its newest value, and the new replicas hold it themselves.
      await inBatches(KEYS, 20, async (k) => {
        const expected = KEYS.indexOf(k) < 50 ? `v2 of ${k}` : `v1 of ${k}`;
        expect((await cluster.leader.kv.getOk(k)).value).toBe(expected);
      });
      for (const key of KEYS) {
        const { replicas, partition } = placementOf(repaired, key);
        if (!onS3.includes(partition)) continue;
        for (const id of replicas) {
          const record = await storageApi(cluster.node(id).http).record(partition, key);
          expect(record?.value).toBe(KEYS.indexOf(key) < 50 ? `v2 of ${key}` : `v1 of ${key}`);
        }
      }
    },
    SLOW,
  );

  it(
    'drains a node on request: 404 for an unknown node, then every replica moves off it and every key stays readable',
    async () => {
      const kv = cluster.leader.kv;
      await request(cluster.leader.http).post('/cluster/nodes/nope/drain').expect(404);
      const started = await request(cluster.leader.http).post('/cluster/nodes/s4/drain').expect(200);
      expect(started.body).toMatchObject({ id: 's4', draining: true });
      const drained = await waitFor(
        's4 drained',
        async () => {
          const status = (await request(cluster.leader.http).post('/cluster/nodes/s4/drain').expect(200)).body as {
            drained: boolean;
          };
          return status.drained && (await kv.clusterOk());
        },
        { timeoutMs: 30_000 },
      );
      expect(drained.nodes.find((n) => n.id === 's4')).toMatchObject({ draining: true, partitions: 0 });
      expect(drained.partitions.every((p) => p.replicas.length === 3 && !p.replicas.includes('s4'))).toBe(true);
      await inBatches(KEYS, 20, async (k) => expect((await kv.getOk(k)).value).toBe(`v1 of ${k}`));
      const undone = await request(cluster.leader.http).delete('/cluster/nodes/s4/drain').expect(200);
      expect(undone.body).toMatchObject({ id: 's4', draining: false });
    },
    SLOW,
  );

  it(
    'purges a tombstone once every replica holds it, writing it first to a replica that missed the delete',
    async () => {
      const kv = cluster.leader.kv;
      const key = KEYS[2];
      const { replicas, partition } = placementOf(await kv.clusterOk(), key);
      const missed = replicas[2];
      cluster.registry.setStatus(missed, 'DOWN');
      await waitFor(
        'the leader to see it DOWN',
        async () => (await kv.clusterOk()).nodes.find((n) => n.id === missed)?.status === 'DOWN',
      );
      await kv.delete(key).expect(204);
      // The replica that was down still has the value, the others a tombstone.
      expect((await storageApi(cluster.node(missed).http).record(partition, key))?.value).toBe(`v1 of ${key}`);
      cluster.registry.setStatus(missed, 'UP');

      await waitFor(
        'the tombstone purged from every replica',
        async () => {
          for (const id of replicas)
            if ((await storageApi(cluster.node(id).http).record(partition, key)) !== null) return false;
          return true;
        },
        { timeoutMs: 20_000, intervalMs: 100 },
      );
      await kv.get(key).expect(404);
    },
    SLOW,
  );

  it(
    'makes a node that returns with an older epoch of a partition drop that copy instead of serving it',
    async () => {
      const kv = cluster.leader.kv;
      const before = await kv.clusterOk();
      const heldByS1 = before.partitions.filter((p) => p.replicas.includes('s1')).map((p) => p.partition);
      cluster.registry.setStatus('s1', 'DOWN');
      await waitFor(
        's1 replaced in every partition',
        async () => (await kv.clusterOk()).partitions.every((p) => !p.replicas.includes('s1') && p.state === 'healthy'),
        { timeoutMs: 20_000 },
      );
      // s1 still holds its old copies at the old epochs; when it is back, the leader has it drop them.
      expect((await storageApi(cluster.node('s1').http).inventory()).partitions.length).toBeGreaterThan(0);
      cluster.registry.setStatus('s1', 'UP');
      await waitFor(
        's1 to drop every partition it no longer belongs to',
        async () => {
          const held = (await storageApi(cluster.node('s1').http).inventory()).partitions.map((p) => p.partition);
          const now = await kv.clusterOk();
          return held.every((p) => now.partitions.find((x) => x.partition === p)?.replicas.includes('s1'));
        },
        { timeoutMs: 20_000 },
      );
      expect(heldByS1.length).toBeGreaterThan(0);
      await inBatches(KEYS, 20, async (k) => expect((await kv.getOk(k)).value).toBe(`v1 of ${k}`));
    },
    SLOW,
  );
});

describe('moves under load (e2e, RF=1)', () => {
  let cluster: TestCluster;
  let extra: StorageNode | undefined;

  afterEach(async () => {
    await extra?.close();
    await cluster.close();
  });

  it(
    'loses no acknowledged write while the balancer moves partitions onto a node that joins',
    async () => {
      cluster = await startCluster({ storageIds: ['s1', 's2'], leaderEnv: { REPLICATION_FACTOR: '1' } });
      const kv = cluster.leader.kv;
      const acked = new Map<string, { value: string; revision: number }>();
      let stop = false;
      const writers = Array.from({ length: 8 }, async (_, w) => {
        for (let i = 0; !stop; i++) {
          const key = `load/${w}/${i % 50}`;
          const value = `${w}-${i}`;
          const res = await kv.put(key, value);
          if (res.status === 200 || res.status === 201)
            acked.set(key, { value, revision: res.body.revision as number });
        }
      });
      await waitFor('some writes', () => acked.size >= 200, { timeoutMs: 20_000 });
      extra = await startStorageNode('s3', { ...FAST_CLUSTER_ENV });
      cluster.registry.add({ id: 's3', url: extra.url });
      await waitFor(
        's3 to hold its share of the partitions',
        async () => {
          const v = await kv.clusterOk();
          const counts = v.nodes.filter((n) => n.role === 'storage').map((n) => n.partitions);
          return (
            counts.length === 3 &&
            Math.max(...counts) - Math.min(...counts) <= 1 &&
            v.partitions.every((p) => p.learners.length === 0)
          );
        },
        { timeoutMs: 40_000, intervalMs: 100 },
      );
      stop = true;
      await Promise.all(writers);
      const lost: string[] = [];
      for (const [key, { value, revision }] of acked) {
        // A later write that answered 503 may still have applied, so a newer revision is fine; an older one is a loss.
        const res = await kv.get(key);
        const ok = res.status === 200 && (res.body.revision > revision || res.body.value === value);
        if (!ok)
          lost.push(
            `${key}: ${res.status} ${JSON.stringify(res.body.value)} (rev ${res.body.revision}) instead of ${value} (rev ${revision})`,
          );
      }
      expect(lost).toEqual([]);
    },
    SLOW,
  );
});

describe('batches of big values (e2e, RF=3)', () => {
  const MAX = 1024;
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startCluster({
      leaderEnv: { REPLICATION_FACTOR: '3', MAX_VALUE_BYTES: String(MAX) },
      storageEnv: { MAX_VALUE_BYTES: String(MAX) },
    });
  }, SLOW);

  afterAll(async () => {
    await cluster.close();
  });

  // Each value is MAX bytes that JSON escapes to 6 bytes each: 30 of them in one internal request
  // would be ~180 KB, past the storage node's body limit (6 x MAX + 64 KiB), and the node would
  // refuse the whole batch. The leader splits its batches by size, not only by count.
  const value = '\u0001'.repeat(MAX);

  it(
    'splits ops submitted in one turn into batches the storage node accepts',
    async () => {
      const storage = cluster.leader.app.get(StorageClient);
      const node = cluster.storage[0];
      const ops = Array.from({ length: 30 }, (_, i): OpDto => {
        const key = `big/direct/${i}`;
        return { type: 'put', partition: partitionOf(key, PARTITIONS), key, value, revision: 1 };
      });

      const results = await Promise.allSettled(ops.map((op) => storage.op(node.url, op)));

      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    },
    SLOW,
  );

  it(
    'writes many concurrent maximum-size values, each escaped six-fold, with no failure',
    async () => {
      const keys = Array.from({ length: 30 }, (_, i) => `big/${i}`);

      const results = await Promise.all(keys.map((key) => cluster.leader.kv.put(key, value)));

      expect(results.map((r) => r.status)).toEqual(keys.map(() => 201));
      for (const key of keys.slice(0, 3)) expect((await cluster.leader.kv.getOk(key)).value).toBe(value);
    },
    SLOW,
  );
});
