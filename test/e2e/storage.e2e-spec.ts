import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import request from 'supertest';
import { partitionOf } from '../../src/common/hash.js';
import type { InventoryDto } from '../../src/storage/dto/inventory.dto.js';
import type { ScanItemDto } from '../../src/storage/dto/scan.dto.js';
import { expectErrorBody } from '../support/error-body.js';
import type { Op } from '../support/storage-api.js';
import {
  freshDataDir,
  removeDataDir,
  startStorageApp,
  type EngineName,
  type StorageApp,
} from '../support/storage-app.js';
import { auth, TEST_SECRET } from '../support/test-app.js';

const NODE = 's1';
const PARTITIONS = 8;
const MEMORY_ENV = { STORAGE_ENGINE: 'memory', NODE_ID: NODE, PARTITIONS: String(PARTITIONS) };
const DEFAULT_CAPACITY = 10 * 1024 ** 3;

const utf8Order = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const put = (key: string, value: string, revision: number): Op => ({
  type: 'put',
  partition: partitionOf(key, PARTITIONS),
  key,
  value,
  revision,
});
const del = (key: string, revision: number): Op => ({
  type: 'delete',
  partition: partitionOf(key, PARTITIONS),
  key,
  revision,
});
const get = (key: string): Op => ({ type: 'get', partition: partitionOf(key, PARTITIONS), key });
const ALL_PARTITIONS = Array.from({ length: PARTITIONS }, (_, p) => p);

/** Gives this node every partition, as a leader would before writing. */
async function ownAllPartitions(node: StorageApp, epoch = 1): Promise<void> {
  await Promise.all(ALL_PARTITIONS.map((p) => node.api.assignOk(p, { epoch, replicas: [NODE] })));
}

describe('storage node (e2e)', () => {
  describe('the cluster secret', () => {
    let node: StorageApp;
    let before: InventoryDto;
    const KEY = 'users/42';
    const P = partitionOf(KEY, PARTITIONS);

    beforeEach(async () => {
      node = await startStorageApp(MEMORY_ENV);
      await node.api.assignOk(P, { epoch: 5, replicas: [NODE] });
      await node.api.run([put(KEY, 'original', 10)]);
      before = await node.api.inventory();
    });

    afterEach(async () => {
      await node.close();
    });

    const routes: [string, (headers: Record<string, string>) => request.Test][] = [
      [
        'POST /internal/ops',
        (h) =>
          request(node.http)
            .post('/internal/ops')
            .set(h)
            .send({ ops: [put(KEY, 'hijacked', 99), put('new', 'x', 100)] }),
      ],
      [
        'POST /internal/scan',
        (h) =>
          request(node.http)
            .post('/internal/scan')
            .set(h)
            .send({ partitions: [P], limit: 10, values: true }),
      ],
      [
        'PUT /internal/partitions/:p/assignment',
        (h) =>
          request(node.http)
            .put(`/internal/partitions/${P}/assignment`)
            .set(h)
            .send({ epoch: 50, replicas: ['intruder'] }),
      ],
      ['GET /internal/inventory', (h) => request(node.http).get('/internal/inventory').set(h)],
    ];
    const credentials: [string, Record<string, string>][] = [
      ['without a secret', {}],
      ['with a wrong secret', { Authorization: 'Bearer not-the-cluster-secret-42' }],
      ['with the secret but not as a Bearer token', { Authorization: TEST_SECRET }],
      ['with an empty Bearer token', { Authorization: 'Bearer ' }],
    ];
    const cases = routes.flatMap(([route, send]) =>
      credentials.map(([how, headers]) => [route, how, send, headers] as const),
    );

    it.each(cases)('%s %s: 401 JSON error and nothing changes', async (_route, _how, send, headers) => {
      const res = await send(headers).expect(401);

      expectErrorBody(res.body, 401);
      expect(res.body.message).toMatch(/cluster secret/);
      expect(await node.api.inventory()).toEqual(before);
      expect(await node.api.record(P, KEY)).toEqual({ revision: 10, value: 'original' });
      expect(await node.api.record(partitionOf('new', PARTITIONS), 'new')).toBeNull();
    });

    it('GET /health/live is open and names the node', async () => {
      const res = await request(node.http).get('/health/live').expect(200);

      expect(res.body).toEqual({ status: 'ok', role: 'storage', nodeId: NODE, details: {} });
    });
  });

  describe('OpenAPI document', () => {
    let node: StorageApp;
    beforeAll(async () => {
      node = await startStorageApp(MEMORY_ENV);
    });
    afterAll(async () => {
      await node.close();
    });

    it('is served open at /docs-json and lists the /internal routes, and no /kv or /registry ones', async () => {
      const res = await request(node.http).get('/docs-json').expect(200);
      const paths = Object.keys((res.body as { paths: Record<string, unknown> }).paths);

      expect(paths).toEqual(
        expect.arrayContaining([
          '/internal/ops',
          '/internal/scan',
          '/internal/partitions/{partition}/assignment',
          '/internal/inventory',
          '/health',
        ]),
      );
      expect(paths.filter((p) => p.startsWith('/kv') || p.startsWith('/registry') || p.startsWith('/cluster'))).toEqual(
        [],
      );
    });
  });

  describe.each<EngineName>(['memory', 'lmdb'])('with STORAGE_ENGINE=%s', (engine) => {
    let node: StorageApp;
    let dataDir: string | undefined;

    beforeEach(async () => {
      dataDir = engine === 'lmdb' ? await freshDataDir() : undefined;
      node = await startStorageApp({
        ...MEMORY_ENV,
        STORAGE_ENGINE: engine,
        ...(dataDir ? { DATA_DIR: dataDir } : {}),
      });
    });

    afterEach(async () => {
      await node.close();
      if (dataDir) await removeDataDir(dataDir);
    });

    describe('partition assignment', () => {
      it('an assignment shows in the inventory with its epoch and replicas', async () => {
        const reply = await node.api.assignOk(3, { epoch: 7, replicas: [NODE, 's2'] });

        expect(reply).toEqual({ partition: 3, epoch: 7, replicas: [NODE, 's2'], learners: [] });
        expect((await node.api.inventory()).partitions).toEqual([
          { partition: 3, epoch: 7, replicas: [NODE, 's2'], learners: [], keyCount: 0, bytes: 0 },
        ]);
      });

      it('an older epoch is refused with 409 and the current epoch, and the assignment stays', async () => {
        await node.api.assignOk(3, { epoch: 7, replicas: [NODE] });

        const res = await node.api.assign(3, { epoch: 6, replicas: ['s2'] }).expect(409);

        expectErrorBody(res.body, 409, { currentEpoch: 7 });
        expect((await node.api.inventory()).partitions).toEqual([
          { partition: 3, epoch: 7, replicas: [NODE], learners: [], keyCount: 0, bytes: 0 },
        ]);
      });

      it('the same epoch again is accepted (a retried assignment)', async () => {
        await node.api.assignOk(3, { epoch: 7, replicas: [NODE] });

        expect(await node.api.assignOk(3, { epoch: 7, replicas: [NODE] })).toEqual({
          partition: 3,
          epoch: 7,
          replicas: [NODE],
          learners: [],
        });
        expect((await node.api.inventory()).partitions).toEqual([
          { partition: 3, epoch: 7, replicas: [NODE], learners: [], keyCount: 0, bytes: 0 },
        ]);
      });

      it('a newer epoch moves the partition away: writes to it are then refused as not-owner', async () => {
        await node.api.assignOk(3, { epoch: 7, replicas: [NODE] });
        await node.api.assignOk(3, { epoch: 8, replicas: ['s2'] });

        const [result] = await node.api.run([{ type: 'put', partition: 3, key: 'k', value: 'v', revision: 9 }]);

        expect(result).toEqual({ error: 'not-owner', message: expect.stringContaining('partition 3') });
        expect((await node.api.inventory()).partitions).toEqual([
          { partition: 3, epoch: 8, replicas: ['s2'], learners: [], keyCount: 0, bytes: 0 },
        ]);
      });

      it.each<[string, string, unknown]>([
        ['epoch 0', '3', { epoch: 0, replicas: [NODE] }],
        ['a missing epoch', '3', { replicas: [NODE] }],
        ['a fractional epoch', '3', { epoch: 1.5, replicas: [NODE] }],
        ['an epoch above 2^53-1 (no longer exact)', '3', { epoch: 2 ** 53, replicas: [NODE] }],
        ['an epoch sent as a string', '3', { epoch: '7', replicas: [NODE] }],
        ['no replicas', '3', { epoch: 7, replicas: [] }],
        ['a replica that is not a string', '3', { epoch: 7, replicas: [7] }],
        ['an unknown extra field', '3', { epoch: 7, replicas: [NODE], force: true }],
        ['a partition that is not a number', 'abc', { epoch: 7, replicas: [NODE] }],
        ['partition = PARTITIONS', String(PARTITIONS), { epoch: 7, replicas: [NODE] }],
        ['a negative partition', '-1', { epoch: 7, replicas: [NODE] }],
      ])('an assignment with %s is refused with 400 and nothing is assigned', async (_scenario, partition, body) => {
        const res = await node.api.assign(partition, body).expect(400);

        expectErrorBody(res.body, 400);
        expect((await node.api.inventory()).partitions).toEqual([]);
      });
    });

    describe('ops', () => {
      it('a put to a partition this node was not assigned is refused as not-owner and stores nothing', async () => {
        const [result] = await node.api.run([put('users/1', 'Ada', 1)]);

        expect(result).toEqual({ error: 'not-owner', message: expect.stringContaining(NODE) });
        await ownAllPartitions(node);
        expect(await node.api.record(partitionOf('users/1', PARTITIONS), 'users/1')).toBeNull();
        expect((await node.api.inventory()).keyCount).toBe(0);
      });

      it('a put to a partition assigned only to other nodes is refused as not-owner', async () => {
        const p = partitionOf('users/1', PARTITIONS);
        await node.api.assignOk(p, { epoch: 2, replicas: ['s2', 's3'] });

        const [result] = await node.api.run([put('users/1', 'Ada', 3)]);

        expect(result.error).toBe('not-owner');
        expect((await node.api.inventory()).keyCount).toBe(0);
      });

      it('put, get and delete carry revisions; put and delete return what they replaced (its revision, whether a tombstone)', async () => {
        await ownAllPartitions(node);

        expect(await node.api.run([put('users/1', 'Ada', 5)])).toEqual([{ applied: true, previous: null }]);
        expect(await node.api.run([get('users/1')])).toEqual([{ record: { revision: 5, value: 'Ada' } }]);
        expect(await node.api.run([put('users/1', 'Ada Lovelace', 9)])).toEqual([
          { applied: true, previous: { revision: 5, tombstone: false } },
        ]);
        expect(await node.api.run([del('users/1', 12)])).toEqual([
          { applied: true, previous: { revision: 9, tombstone: false } },
        ]);
        expect(await node.api.run([get('users/2')])).toEqual([{ record: null }]);
      });

      it('a delete leaves a tombstone: get returns the record with value null and its revision', async () => {
        await ownAllPartitions(node);
        await node.api.run([put('users/1', 'Ada', 5)]);

        await node.api.run([del('users/1', 6)]);

        expect(await node.api.run([get('users/1')])).toEqual([{ record: { revision: 6, value: null } }]);
        expect(await node.api.run([put('users/1', 'back', 7)])).toEqual([
          { applied: true, previous: { revision: 6, tombstone: true } },
        ]);
      });

      it('a delete of a key never written still records a tombstone, so a late older put cannot resurrect it', async () => {
        await ownAllPartitions(node);

        expect(await node.api.run([del('ghost', 8)])).toEqual([{ applied: true, previous: null }]);
        expect(await node.api.run([put('ghost', 'late', 4)])).toEqual([
          { applied: false, previous: { revision: 8, tombstone: true } },
        ]);
        expect(await node.api.record(partitionOf('ghost', PARTITIONS), 'ghost')).toEqual({ revision: 8, value: null });
      });

      it.each([
        ['a lower', 4],
        ['an equal', 5],
      ])('a put with %s revision is ignored (applied false) and the stored value stays', async (_which, revision) => {
        await ownAllPartitions(node);
        await node.api.run([put('users/1', 'Ada', 5)]);

        expect(await node.api.run([put('users/1', 'stale', revision)])).toEqual([
          { applied: false, previous: { revision: 5, tombstone: false } },
        ]);
        expect(await node.api.run([del('users/1', revision)])).toEqual([
          { applied: false, previous: { revision: 5, tombstone: false } },
        ]);
        expect(await node.api.record(partitionOf('users/1', PARTITIONS), 'users/1')).toEqual({
          revision: 5,
          value: 'Ada',
        });
      });

      it('a batch answers one result per op in order; its writes apply in order and its gets see the state before the batch', async () => {
        await ownAllPartitions(node);
        await node.api.run([put('a', 'a1', 1)]);

        const results = await node.api.run([
          put('b', 'b1', 2),
          get('a'),
          put('a', 'a2', 3),
          put('a', 'a-stale', 2),
          get('b'),
          put('a', 'a3', 4),
          del('b', 5),
        ]);

        expect(results).toEqual([
          { applied: true, previous: null },
          { record: { revision: 1, value: 'a1' } },
          { applied: true, previous: { revision: 1, tombstone: false } },
          { applied: false, previous: { revision: 3, tombstone: false } },
          { record: null },
          { applied: true, previous: { revision: 3, tombstone: false } },
          { applied: true, previous: { revision: 2, tombstone: false } },
        ]);
        expect(await node.api.run([get('a'), get('b')])).toEqual([
          { record: { revision: 4, value: 'a3' } },
          { record: { revision: 5, value: null } },
        ]);
      });

      it.each<[string, Op, RegExp]>([
        ['a put without a revision', { type: 'put', partition: 0, key: 'k', value: 'v' }, /revision/],
        ['a delete without a revision', { type: 'delete', partition: 0, key: 'k' }, /revision/],
        ['a put without a value', { type: 'put', partition: 0, key: 'k', revision: 3 }, /value/],
        [
          'partition = PARTITIONS',
          { type: 'put', partition: PARTITIONS, key: 'k', value: 'v', revision: 3 },
          /out of range/,
        ],
        ['an empty key', { type: 'put', partition: 0, key: '', value: 'v', revision: 3 }, /empty/],
        [
          'a key with a control character',
          { type: 'put', partition: 0, key: 'a\u0007b', value: 'v', revision: 3 },
          /control/,
        ],
        ['a key of 1025 bytes', { type: 'put', partition: 0, key: 'k'.repeat(1025), value: 'v', revision: 3 }, /1024/],
      ])(
        'an op with %s gets error "invalid" and stores nothing, while the valid op beside it applies',
        async (_scenario, bad, mentions) => {
          await ownAllPartitions(node);

          const results = await node.api.run([bad, put('fine', 'ok', 2)]);

          expect(results).toEqual([
            { error: 'invalid', message: expect.stringMatching(mentions) },
            { applied: true, previous: null },
          ]);
          const inventory = await node.api.inventory();
          expect(inventory.keyCount).toBe(1);
          expect(inventory.maxRevision).toBe(2);
        },
      );

      it.each<[string, unknown, RegExp]>([
        ['an unknown op type', { ops: [{ type: 'upsert', partition: 0, key: 'k', value: 'v', revision: 3 }] }, /type/],
        ['an unknown field on an op', { ops: [{ ...put('k', 'v', 3), ttl: 5 }] }, /ttl/],
        ['an unknown top-level field', { ops: [put('k', 'v', 3)], dryRun: true }, /dryRun/],
        ['no ops field', {}, /ops/],
        ['ops that is not an array', { ops: 'put k' }, /ops/],
        ['an empty ops array', { ops: [] }, /ops/],
        ['1001 ops', { ops: Array.from({ length: 1001 }, (_, i) => put(`k${i}`, 'v', i + 1)) }, /ops/],
        [
          'a negative partition',
          { ops: [{ type: 'put', partition: -1, key: 'k', value: 'v', revision: 3 }] },
          /partition/,
        ],
        [
          'a fractional partition',
          { ops: [{ type: 'put', partition: 0.5, key: 'k', value: 'v', revision: 3 }] },
          /partition/,
        ],
        ['revision 0', { ops: [{ ...put('k', 'v', 3), revision: 0 }] }, /revision/],
        [
          'a revision above 2^53-1 (no longer exact)',
          { ops: [{ ...put('k', 'v', 3), revision: 2 ** 53 }] },
          /revision/,
        ],
        ['a revision sent as a string', { ops: [{ ...put('k', 'v', 3), revision: '3' }] }, /revision/],
        ['a value that is not a string', { ops: [{ ...put('k', 'v', 3), value: 42 }] }, /value/],
        ['a key that is not a string', { ops: [{ ...put('k', 'v', 3), key: 7 }] }, /key/],
      ])('a batch with %s is refused whole with 400 JSON and nothing is stored', async (_scenario, body, mentions) => {
        await ownAllPartitions(node);
        const before = await node.api.inventory();

        const res = await node.api.ops(body).expect(400);

        expect(expectErrorBody(res.body, 400).message).toMatch(mentions);
        expect(await node.api.inventory()).toEqual(before);
      });

      it('a batch of exactly 1000 ops is accepted', async () => {
        await ownAllPartitions(node);

        const results = await node.api.run(Array.from({ length: 1000 }, (_, i) => put(`k${i}`, 'v', i + 1)));

        expect(results).toHaveLength(1000);
        expect(results.every((r) => r.applied === true)).toBe(true);
        expect((await node.api.inventory()).keyCount).toBe(1000);
      });

      it('malformed JSON is refused with 400 JSON and nothing is stored', async () => {
        await ownAllPartitions(node);

        const res = await request(node.http)
          .post('/internal/ops')
          .set(auth)
          .set('Content-Type', 'application/json')
          .send('{"ops": [{"type": "put", "partition": 0, "key": "k", ')
          .expect(400);

        expect(expectErrorBody(res.body, 400).message).toMatch(/JSON/);
        expect((await node.api.inventory()).keyCount).toBe(0);
      });
    });

    describe('scan', () => {
      // Chosen so JS string order and UTF-8 byte order disagree: U+FFFD sorts after the surrogate
      // pair of U+1F600 in UTF-16, but before it in UTF-8.
      const KEYS = ['k/1', 'k/10', 'k/2', 'k/Z', 'k/a', 'k/ü', 'k/\uFFFD', 'k/😀', 'k/😀/x', 'j/1', 'l/1'];
      const K_KEYS = KEYS.filter((k) => k.startsWith('k/')).sort(utf8Order);
      const revisionOf = (key: string) => KEYS.indexOf(key) + 1;

      beforeEach(async () => {
        await ownAllPartitions(node);
        await node.api.run(KEYS.map((k) => put(k, `value of ${k}`, revisionOf(k))));
      });

      const keysOf = (items: ScanItemDto[]) => items.map((i) => i.key);

      it('merges several partitions into one list in UTF-8 byte order', async () => {
        expect(new Set(K_KEYS.map((k) => partitionOf(k, PARTITIONS))).size).toBeGreaterThan(2);
        expect([...K_KEYS].sort()).not.toEqual(K_KEYS); // the test would prove nothing if both orders agreed

        const { items, more } = await node.api.scanOk({ partitions: ALL_PARTITIONS, prefix: 'k/', limit: 100 });

        expect(keysOf(items)).toEqual(K_KEYS);
        expect(items).toEqual(
          K_KEYS.map((key) => ({ partition: partitionOf(key, PARTITIONS), key, revision: revisionOf(key) })),
        );
        expect(more).toBe(false);
      });

      it('without a prefix returns every key of the asked partitions', async () => {
        const { items } = await node.api.scanOk({ partitions: ALL_PARTITIONS, limit: 100 });

        expect(keysOf(items)).toEqual([...KEYS].sort(utf8Order));
      });

      it('returns only keys of the partitions asked for', async () => {
        const p = partitionOf('k/a', PARTITIONS);

        const { items } = await node.api.scanOk({ partitions: [p], limit: 100 });

        expect(keysOf(items)).toEqual(KEYS.filter((k) => partitionOf(k, PARTITIONS) === p).sort(utf8Order));
      });

      it('"after" is exclusive: only keys strictly after it', async () => {
        const { items } = await node.api.scanOk({ partitions: ALL_PARTITIONS, prefix: 'k/', after: 'k/Z', limit: 100 });

        expect(keysOf(items)).toEqual(K_KEYS.slice(K_KEYS.indexOf('k/Z') + 1));
      });

      it('"after" below the prefix starts at the prefix', async () => {
        const { items } = await node.api.scanOk({ partitions: ALL_PARTITIONS, prefix: 'k/', after: 'a', limit: 100 });

        expect(keysOf(items)).toEqual(K_KEYS);
      });

      it('paging with limit and "after" returns every key once, with more=true until the last page', async () => {
        const seen: string[] = [];
        const mores: boolean[] = [];
        let after: string | undefined;
        for (let page = 0; page < 20; page++) {
          const { items, more } = await node.api.scanOk({ partitions: ALL_PARTITIONS, prefix: 'k/', after, limit: 3 });
          expect(items.length).toBeLessThanOrEqual(3);
          seen.push(...keysOf(items));
          mores.push(more);
          if (!more) break;
          after = items[items.length - 1].key;
        }

        expect(seen).toEqual(K_KEYS);
        expect(mores).toEqual([true, true, false]);
      });

      it('a limit equal to the number of keys answers more=false', async () => {
        const { items, more } = await node.api.scanOk({
          partitions: ALL_PARTITIONS,
          prefix: 'k/',
          limit: K_KEYS.length,
        });

        expect(items).toHaveLength(K_KEYS.length);
        expect(more).toBe(false);
      });

      it('hides tombstones unless tombstones=true, which shows them with value null', async () => {
        await node.api.run([del('k/a', 100)]);

        const hidden = await node.api.scanOk({ partitions: ALL_PARTITIONS, prefix: 'k/', limit: 100 });
        const shown = await node.api.scanOk({ partitions: ALL_PARTITIONS, prefix: 'k/', limit: 100, tombstones: true });

        expect(keysOf(hidden.items)).toEqual(K_KEYS.filter((k) => k !== 'k/a'));
        expect(keysOf(shown.items)).toEqual(K_KEYS);
        expect(shown.items.find((i) => i.key === 'k/a')).toEqual({
          partition: partitionOf('k/a', PARTITIONS),
          key: 'k/a',
          revision: 100,
          value: null,
        });
      });

      it('includes values only when values=true', async () => {
        const without = await node.api.scanOk({ partitions: ALL_PARTITIONS, prefix: 'j/', limit: 10 });
        const withValues = await node.api.scanOk({ partitions: ALL_PARTITIONS, prefix: 'j/', limit: 10, values: true });

        expect(without.items).toEqual([
          { partition: partitionOf('j/1', PARTITIONS), key: 'j/1', revision: revisionOf('j/1') },
        ]);
        expect(withValues.items).toEqual([
          { partition: partitionOf('j/1', PARTITIONS), key: 'j/1', revision: revisionOf('j/1'), value: 'value of j/1' },
        ]);
      });

      it.each<[string, unknown]>([
        ['a partition = PARTITIONS', { partitions: [PARTITIONS], limit: 10 }],
        ['a negative partition', { partitions: [-1], limit: 10 }],
        ['no partitions field', { limit: 10 }],
        ['no limit', { partitions: [0] }],
        ['limit 0', { partitions: [0], limit: 0 }],
        ['limit 10001', { partitions: [0], limit: 10_001 }],
        ['a prefix with a control character', { partitions: [0], limit: 10, prefix: 'k/\u0000' }],
        ['values that is not a boolean', { partitions: [0], limit: 10, values: 'yes' }],
        ['an unknown field', { partitions: [0], limit: 10, reverse: true }],
      ])('a scan with %s is refused with 400 JSON', async (_scenario, body) => {
        const res = await node.api.scan(body).expect(400);

        expectErrorBody(res.body, 400);
      });
    });

    describe('draining', () => {
      it('records the draining flag the leader sets and reports it in the inventory', async () => {
        const res = await request(node.http).put('/internal/draining').set(auth).send({ draining: true }).expect(200);
        expect(res.body).toEqual({ draining: true });
        expect((await node.api.inventory()).draining).toBe(true);
        await request(node.http).put('/internal/draining').set(auth).send({ draining: false }).expect(200);
        expect((await node.api.inventory()).draining).toBe(false);
        expectErrorBody((await request(node.http).put('/internal/draining').set(auth).send({ draining: 'yes' }).expect(400)).body, 400);
        await request(node.http).put('/internal/draining').send({ draining: true }).expect(401);
        expect((await node.api.inventory()).draining).toBe(false);
      });
    });

    describe('inventory', () => {
      it('an empty node reports its id, capacity and nothing held', async () => {
        expect(await node.api.inventory()).toEqual({
          nodeId: NODE,
          maxRevision: 0,
          usedBytes: 0,
          capacityBytes: DEFAULT_CAPACITY,
          keyCount: 0,
          draining: false,
          partitions: [],
        });
      });

      it('counts live keys and their bytes per partition, the highest revision (tombstones included) and the used bytes', async () => {
        await ownAllPartitions(node, 3);
        await node.api.run([
          put('users/1', 'Ada', 10),
          put('users/2', 'Grace', 11),
          put('users/ü', 'Ünïcödé', 12),
          put('orders/1', 'x'.repeat(100), 13),
        ]);
        await node.api.run([put('users/1', 'Ada Lovelace', 14), del('users/2', 20)]);

        const live: Record<string, string> = {
          'users/1': 'Ada Lovelace',
          'users/ü': 'Ünïcödé',
          'orders/1': 'x'.repeat(100),
        };
        const expected = ALL_PARTITIONS.map((partition) => {
          const here = Object.keys(live).filter((k) => partitionOf(k, PARTITIONS) === partition);
          return {
            partition,
            epoch: 3,
            replicas: [NODE],
            learners: [],
            keyCount: here.length,
            bytes: here.reduce((sum, k) => sum + bytes(k) + bytes(live[k]), 0),
          };
        });
        const usedBytes = Object.entries(live).reduce((sum, [k, v]) => sum + bytes(k) + bytes(v), 0);

        const inventory = await node.api.inventory();

        expect(inventory).toEqual({
          nodeId: NODE,
          maxRevision: 20,
          usedBytes,
          capacityBytes: DEFAULT_CAPACITY,
          keyCount: 3,
          draining: false,
          partitions: expected,
        });
      });
    });
  });

  describe('with STORAGE_ENGINE=lmdb, across a restart', () => {
    let dataDir: string;
    let node: StorageApp | undefined;
    // No NODE_ID: the node's id must come from DATA_DIR/node-id, so the restarted node is the same one.
    const start = () => startStorageApp({ STORAGE_ENGINE: 'lmdb', DATA_DIR: dataDir, PARTITIONS: String(PARTITIONS) });

    beforeEach(async () => {
      dataDir = await freshDataDir();
    });

    afterEach(async () => {
      await node?.close();
      node = undefined;
      await removeDataDir(dataDir);
    });

    it('data, tombstones and assignments survive closing the app and opening a new one on the same DATA_DIR', async () => {
      node = await start();
      const { nodeId } = await node.api.inventory();
      expect(nodeId).toMatch(/^storage-/);
      for (const p of ALL_PARTITIONS) await node.api.assignOk(p, { epoch: 4, replicas: [nodeId] });
      await node.api.run([put('users/1', 'Ada', 5), put('users/2', 'Grace', 6), put('orders/ü', 'Ünï', 7)]);
      await node.api.run([del('users/2', 8)]);
      const before = await node.api.inventory();
      await node.close();

      node = await start();

      expect((await readFile(join(dataDir, 'node-id'), 'utf8')).trim()).toBe(nodeId);
      expect(await node.api.inventory()).toEqual(before);
      expect(before).toMatchObject({ nodeId, maxRevision: 8, keyCount: 2 });
      expect(await node.api.run([get('users/1'), get('users/2'), get('orders/ü')])).toEqual([
        { record: { revision: 5, value: 'Ada' } },
        { record: { revision: 8, value: null } },
        { record: { revision: 7, value: 'Ünï' } },
      ]);
      const { items } = await node.api.scanOk({ partitions: ALL_PARTITIONS, limit: 10, tombstones: true });
      expect(items.map((i) => [i.key, i.value])).toEqual([
        ['orders/ü', 'Ünï'],
        ['users/1', 'Ada'],
        ['users/2', null],
      ]);
    });

    it('after a restart the node still owns its partitions, still refuses an older epoch and still keeps the highest revision', async () => {
      node = await start();
      const { nodeId } = await node.api.inventory();
      const p = partitionOf('users/1', PARTITIONS);
      await node.api.assignOk(p, { epoch: 9, replicas: [nodeId] });
      await node.api.run([put('users/1', 'Ada', 10)]);
      await node.close();

      node = await start();

      const stale = await node.api.assign(p, { epoch: 8, replicas: ['other'] }).expect(409);
      expectErrorBody(stale.body, 409, { currentEpoch: 9 });
      expect(await node.api.run([put('users/1', 'replayed', 10), put('users/1', 'newer', 11)])).toEqual([
        { applied: false, previous: { revision: 10, tombstone: false } },
        { applied: true, previous: { revision: 10, tombstone: false } },
      ]);
    });
  });
});
