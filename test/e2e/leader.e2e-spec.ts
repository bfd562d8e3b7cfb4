import request from 'supertest';
import { partitionOf } from '../../src/common/hash.js';
import type { ClusterViewDto } from '../../src/leader/dto/cluster.dto.js';
import type { PutResultDto } from '../../src/leader/dto/kv.dto.js';
import { expectErrorBody } from '../support/error-body.js';
import { inBatches, kvApi, kvPath, type KvApi } from '../support/kv-api.js';
import { FAST_CLUSTER_ENV, startCluster, startLeader, type TestCluster } from '../support/leader-cluster.js';
import { waitFor } from '../support/poll.js';

const PARTITIONS = Number(FAST_CLUSTER_ENV.PARTITIONS);
const MAX_VALUE_BYTES = 1024;
const utf8Order = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
const etag = (revision: number) => `"${revision}"`;
/** For tests that start a cluster or wait for the leader's refresh job; the machine may be busy. */
const SLOW = 20_000;

/** Which storage node holds each key, according to the leader's /cluster view. */
function ownersOf(view: ClusterViewDto, keys: readonly string[]): Map<string, string[]> {
  const ownerOfPartition = new Map(view.partitions.map((p) => [p.partition, p.replicas[0]]));
  const byNode = new Map<string, string[]>();
  for (const key of keys) {
    const owner = ownerOfPartition.get(partitionOf(key, PARTITIONS));
    if (owner === undefined) throw new Error(`key ${key} is in an unplaced partition`);
    byNode.set(owner, [...(byNode.get(owner) ?? []), key]);
  }
  return byNode;
}

async function writeAll(kv: KvApi, entries: readonly [string, string][]): Promise<Map<string, PutResultDto>> {
  const results = await inBatches(entries, 25, async ([key, value]) => [key, await kv.putOk(key, value)] as const);
  return new Map(results);
}

describe('leader (e2e)', () => {
  describe('the key/value API', () => {
    let cluster: TestCluster;
    let kv: KvApi;

    beforeAll(async () => {
      cluster = await startCluster({ leaderEnv: { MAX_VALUE_BYTES: String(MAX_VALUE_BYTES) } });
      kv = cluster.leader.kv;
    }, SLOW);

    afterAll(async () => {
      await cluster.close();
    });

    describe('create, read, replace, delete', () => {
      it('PUT of a new key creates it: 201 with {key, revision} and the revision as ETag', async () => {
        const res = await kv.put('crud/new', 'hello').expect(201);

        expect(res.body).toEqual({ key: 'crud/new', revision: expect.any(Number) });
        expect(res.headers.etag).toBe(etag(res.body.revision as number));
      });

      it('GET returns {key, value, revision} with the ETag of that revision', async () => {
        const { revision } = await kv.putOk('crud/read', '{"name":"Ada"}');

        const res = await kv.get('crud/read').expect(200);

        expect(res.body).toEqual({ key: 'crud/read', value: '{"name":"Ada"}', revision });
        expect(res.headers.etag).toBe(etag(revision));
      });

      it('PUT of an existing key replaces it: 200 with a higher revision, and GET returns the new value', async () => {
        const first = await kv.putOk('crud/replace', 'one');

        const res = await kv.put('crud/replace', 'two').expect(200);

        expect(res.body).toEqual({ key: 'crud/replace', revision: expect.any(Number) });
        expect(res.body.revision).toBeGreaterThan(first.revision);
        expect(res.headers.etag).toBe(etag(res.body.revision as number));
        expect(await kv.getOk('crud/replace')).toEqual({
          key: 'crud/replace',
          value: 'two',
          revision: res.body.revision,
        });
      });

      it('DELETE answers 204; afterwards GET and DELETE answer 404 with a JSON error', async () => {
        await kv.putOk('crud/delete', 'bye');

        const deleted = await kv.delete('crud/delete').expect(204);

        expect(deleted.text).toBe('');
        expectErrorBody((await kv.get('crud/delete').expect(404)).body, 404);
        expectErrorBody((await kv.delete('crud/delete').expect(404)).body, 404);
      });

      it('a deleted key can be created again: 201 with a higher revision', async () => {
        const first = await kv.putOk('crud/again', 'one');
        await kv.delete('crud/again').expect(204);

        const res = await kv.put('crud/again', 'two').expect(201);

        expect(res.body.revision).toBeGreaterThan(first.revision);
        expect((await kv.getOk('crud/again')).value).toBe('two');
      });

      it('GET of a key never written answers 404 naming the key', async () => {
        const res = await kv.get('crud/never').expect(404);

        expect(expectErrorBody(res.body, 404).message).toContain('crud/never');
      });

      it('an empty string is a value like any other', async () => {
        await kv.put('crud/empty', '').expect(201);

        expect((await kv.getOk('crud/empty')).value).toBe('');
      });
    });

    describe('keys', () => {
      it.each([
        ['slashes', 'keys/users/42/profile'],
        ['unicode', 'keys/ünïcödé/日本語/😀'],
        ['spaces', 'keys/with spaces in it'],
        ['a trailing slash', 'keys/dir/'],
        ['URL-special characters', 'keys/what?#and&=+%'],
      ])('a key with %s round-trips', async (_what, key) => {
        const put = await kv.put(key, `value of ${key}`).expect(201);

        expect(put.body.key).toBe(key);
        expect(await kv.getOk(key)).toEqual({ key, value: `value of ${key}`, revision: put.body.revision });
      });

      it('a key sent as /kv/a%2Fb is the key a/b', async () => {
        const res = await kv.putRaw('/kv/pct%2Fa%2Fb').send({ value: 'encoded slash' }).expect(201);

        expect(res.body.key).toBe('pct/a/b');
        expect(await kv.getOk('pct/a/b')).toMatchObject({ key: 'pct/a/b', value: 'encoded slash' });
        expect((await kv.getPath('/kv/pct/a%2Fb').expect(200)).body.value).toBe('encoded slash');
      });

      it('a key of exactly 1024 UTF-8 bytes is accepted', async () => {
        const key = `long/${'é'.repeat(509)}x`; // 5 + 1018 + 1 bytes
        expect(Buffer.byteLength(key)).toBe(1024);

        await kv.put(key, 'v').expect(201);

        expect((await kv.getOk(key)).value).toBe('v');
      });

      it('a key of 1025 UTF-8 bytes is refused with 400 naming the limit, and nothing is stored', async () => {
        const key = `long/${'é'.repeat(510)}`; // 5 + 1020 bytes
        expect(Buffer.byteLength(key)).toBe(1025);

        const res = await kv.put(key, 'v').expect(400);

        expect(expectErrorBody(res.body, 400).message).toMatch(/1024/);
        expect(expectErrorBody((await kv.get(key).expect(400)).body, 400).message).toMatch(/1024/);
      });

      it.each([
        ['NUL', '%00'],
        ['BEL', '%07'],
        ['newline', '%0A'],
        ['unit separator', '%1F'],
        ['DEL', '%7F'],
        ['C1 next-line', '%C2%85'],
      ])('a key with a control character (%s) is refused with 400 and nothing is stored', async (_what, encoded) => {
        const path = `/kv/ctl/a${encoded}b`;

        const res = await kv.putRaw(path).send({ value: 'v' }).expect(400);

        expect(expectErrorBody(res.body, 400).message).toMatch(/control/);
        expectErrorBody((await kv.getPath(path).expect(400)).body, 400);
      });

      it('a key that is not valid percent-encoding is refused with 400 JSON', async () => {
        const res = await kv.putRaw('/kv/bad%E0%A4%A').send({ value: 'v' }).expect(400);

        expectErrorBody(res.body, 400);
      });
    });

    describe('bodies', () => {
      it.each<[string, unknown, RegExp]>([
        ['a value that is a number', { value: 42 }, /value must be a string/],
        ['a value that is an object', { value: { nested: true } }, /value must be a string/],
        ['a null value', { value: null }, /value must be a string/],
        ['no value', {}, /value must be a string/],
        ['an extra field', { value: 'v', ttl: 10 }, /ttl/],
      ])('a body with %s is refused with 400 JSON and nothing is stored', async (what, body, mentions) => {
        const key = `bodies/${what}`;

        const res = await kv
          .putRaw(kvPath(key))
          .send(body as object)
          .expect(400);

        expect(expectErrorBody(res.body, 400).message).toMatch(mentions);
        await kv.get(key).expect(404);
      });

      it('malformed JSON is refused with 400 JSON and nothing is stored', async () => {
        const res = await kv
          .putRaw(kvPath('bodies/malformed'))
          .set('Content-Type', 'application/json')
          .send('{"value": "unterminated')
          .expect(400);

        expect(expectErrorBody(res.body, 400).message).toMatch(/JSON/);
        await kv.get('bodies/malformed').expect(404);
      });

      it('a text/plain body is refused with 400 JSON and nothing is stored', async () => {
        const res = await kv
          .putRaw(kvPath('bodies/text'))
          .set('Content-Type', 'text/plain')
          .send('{"value":"looks like JSON"}')
          .expect(400);

        expectErrorBody(res.body, 400);
        await kv.get('bodies/text').expect(404);
      });

      it('a value with a lone surrogate (not valid UTF-8) is refused with 400 and nothing is stored', async () => {
        const res = await kv.put('bodies/surrogate', 'half a pair: \ud800').expect(400);

        expect(expectErrorBody(res.body, 400).message).toMatch(/UTF-8/);
        await kv.get('bodies/surrogate').expect(404);
      });

      it('a value of exactly MAX_VALUE_BYTES is accepted', async () => {
        await kv.put('bodies/max', 'x'.repeat(MAX_VALUE_BYTES)).expect(201);

        expect((await kv.getOk('bodies/max')).value).toHaveLength(MAX_VALUE_BYTES);
      });

      it('a value one byte over MAX_VALUE_BYTES is refused with 413 naming the limit, and nothing is stored', async () => {
        const res = await kv.put('bodies/over', 'x'.repeat(MAX_VALUE_BYTES + 1)).expect(413);

        expect(expectErrorBody(res.body, 413).message).toContain(`MAX_VALUE_BYTES=${MAX_VALUE_BYTES}`);
        await kv.get('bodies/over').expect(404);
      });

      it('the limit counts UTF-8 bytes, not characters: 342 "€" (1026 bytes) is refused with 413', async () => {
        const res = await kv.put('bodies/euro', '€'.repeat(342)).expect(413);

        expectErrorBody(res.body, 413);
        await kv.get('bodies/euro').expect(404);
      });

      it('a body far over any limit is refused with 413 JSON, and nothing is stored', async () => {
        const res = await kv.put('bodies/huge', 'x'.repeat(200 * MAX_VALUE_BYTES)).expect(413);

        expectErrorBody(res.body, 413);
        await kv.get('bodies/huge').expect(404);
      });
    });

    describe('conditional writes', () => {
      it('If-None-Match: * on an absent key creates it: 201', async () => {
        const res = await kv.put('cond/absent', 'v', { 'If-None-Match': '*' }).expect(201);

        expect((await kv.getOk('cond/absent')).revision).toBe(res.body.revision);
      });

      it('If-None-Match: * on an existing key is refused with 412 and the current revision, and the value stays', async () => {
        const { revision } = await kv.putOk('cond/exists', 'original');

        const res = await kv.put('cond/exists', 'overwrite', { 'If-None-Match': '*' }).expect(412);

        expectErrorBody(res.body, 412, { currentRevision: revision });
        expect(await kv.getOk('cond/exists')).toEqual({ key: 'cond/exists', value: 'original', revision });
      });

      it('If-Match with the current revision replaces the value: 200', async () => {
        const { revision } = await kv.putOk('cond/match', 'one');

        const res = await kv.put('cond/match', 'two', { 'If-Match': etag(revision) }).expect(200);

        expect(res.body.revision).toBeGreaterThan(revision);
        expect((await kv.getOk('cond/match')).value).toBe('two');
      });

      it('If-Match accepts a weak ETag and a bare number', async () => {
        const { revision } = await kv.putOk('cond/forms', 'one');
        const second = await kv.put('cond/forms', 'two', { 'If-Match': `W/"${revision}"` }).expect(200);

        await kv.put('cond/forms', 'three', { 'If-Match': String(second.body.revision) }).expect(200);

        expect((await kv.getOk('cond/forms')).value).toBe('three');
      });

      it('If-Match with a stale revision is refused with 412 and the current revision, and the value stays', async () => {
        const first = await kv.putOk('cond/stale', 'one');
        const second = await kv.putOk('cond/stale', 'two');

        const res = await kv.put('cond/stale', 'three', { 'If-Match': etag(first.revision) }).expect(412);

        expectErrorBody(res.body, 412, { currentRevision: second.revision });
        expect((await kv.getOk('cond/stale')).value).toBe('two');
      });

      it('If-Match on an absent key is refused with 412 and currentRevision null, and nothing is stored', async () => {
        const res = await kv.put('cond/none', 'v', { 'If-Match': '"1"' }).expect(412);

        expectErrorBody(res.body, 412, { currentRevision: null });
        await kv.get('cond/none').expect(404);
      });

      it.each([
        ['If-Match', 'not-a-revision'],
        ['If-Match', '"-1"'],
        ['If-Match', '*'],
        ['If-None-Match', '"5"'],
      ])('a garbage %s header (%s) is refused with 400 and nothing changes', async (header, value) => {
        const { revision } = await kv.putOk('cond/garbage', 'original');

        const res = await kv.put('cond/garbage', 'changed', { [header]: value }).expect(400);

        expect(expectErrorBody(res.body, 400).message).toContain(header);
        expect(await kv.getOk('cond/garbage')).toMatchObject({ value: 'original', revision });
      });

      it('DELETE with a stale If-Match is refused with 412 and the key stays; with the current one it deletes', async () => {
        const first = await kv.putOk('cond/delete', 'one');
        const second = await kv.putOk('cond/delete', 'two');

        expectErrorBody((await kv.delete('cond/delete', { 'If-Match': etag(first.revision) }).expect(412)).body, 412, {
          currentRevision: second.revision,
        });
        expect((await kv.getOk('cond/delete')).value).toBe('two');

        await kv.delete('cond/delete', { 'If-Match': etag(second.revision) }).expect(204);
        await kv.get('cond/delete').expect(404);
      });

      it('two concurrent If-None-Match: * creates of one key: exactly one 201 and one 412, and the winner is stored', async () => {
        const [a, b] = await Promise.all([
          kv.put('cond/race', 'from A', { 'If-None-Match': '*' }),
          kv.put('cond/race', 'from B', { 'If-None-Match': '*' }),
        ]);

        expect([a.status, b.status].sort()).toEqual([201, 412]);
        const [winner, loser] = a.status === 201 ? [a, b] : [b, a];
        expectErrorBody(loser.body, 412, { currentRevision: winner.body.revision });
        expect(await kv.getOk('cond/race')).toEqual({
          key: 'cond/race',
          value: winner === a ? 'from A' : 'from B',
          revision: winner.body.revision,
        });
      });

      it(
        '20 clients incrementing one counter with If-Match (retrying on 412) lose no increment',
        async () => {
          const key = 'cond/counter';
          await kv.putOk(key, '0');

          // Each client: read, write value+1 conditioned on the revision read, start over on 412.
          const increment = async (): Promise<{ successes: number; conflicts: number }> => {
            for (let conflicts = 0; conflicts < 500; conflicts++) {
              const current = await kv.getOk(key);
              const res = await kv.put(key, String(Number(current.value) + 1), { 'If-Match': etag(current.revision) });
              if (res.status === 200) return { successes: 1, conflicts };
              if (res.status !== 412) throw new Error(`unexpected ${res.status}: ${JSON.stringify(res.body)}`);
            }
            throw new Error('a client never got its increment in');
          };

          const outcomes = await Promise.all(Array.from({ length: 20 }, increment));

          const successes = outcomes.reduce((sum, o) => sum + o.successes, 0);
          expect(successes).toBe(20);
          expect((await kv.getOk(key)).value).toBe(String(successes));
        },
        2 * SLOW,
      );
    });

    describe('OpenAPI document', () => {
      it('is served at /docs-json and lists /kv and /cluster, and no /internal or /registry routes', async () => {
        const res = await request(cluster.leader.http).get('/docs-json').expect(200);
        const paths = Object.keys((res.body as { paths: Record<string, unknown> }).paths);

        expect(paths).toEqual(expect.arrayContaining(['/kv', '/kv/{key}', '/cluster', '/health']));
        expect(paths.filter((p) => p.startsWith('/internal') || p.startsWith('/registry'))).toEqual([]);
      });
    });
  });

  describe('listing', () => {
    let cluster: TestCluster;
    let kv: KvApi;
    const A_KEYS = [
      ...Array.from({ length: 150 }, (_, i) => `a/${String(i).padStart(3, '0')}`),
      'a/Z',
      'a/ü',
      'a/\uFFFD',
      'a/😀',
      'a/😀/nested',
    ];
    const B_KEYS = Array.from({ length: 100 }, (_, i) => `b/${i}`);
    const OTHER_KEYS = ['a', 'ab/1', 'A/1', '_a/1'];
    const DELETED = ['a/007', 'a/100'];
    const LIVE_A = A_KEYS.filter((k) => !DELETED.includes(k)).sort(utf8Order);

    beforeAll(async () => {
      cluster = await startCluster();
      kv = cluster.leader.kv;
      await writeAll(
        kv,
        [...A_KEYS, ...B_KEYS, ...OTHER_KEYS].map((k) => [k, `value of ${k}`]),
      );
      for (const key of DELETED) await kv.delete(key).expect(204);
    }, 2 * SLOW);

    afterAll(async () => {
      await cluster.close();
    });

    it('pages through a prefix with limit=37: exactly the written keys, in UTF-8 byte order, no duplicates', async () => {
      const pages: string[][] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 50; i++) {
        const page = await kv.listOk({ prefix: 'a/', limit: '37', ...(cursor ? { cursor } : {}) });
        pages.push(page.items.map((item) => item.key));
        if (page.nextCursor === null) break;
        cursor = page.nextCursor;
      }

      const keys = pages.flat();
      expect(keys).toEqual(LIVE_A);
      expect(new Set(keys).size).toBe(keys.length);
      expect(pages.map((p) => p.length)).toEqual(
        Array.from({ length: Math.ceil(LIVE_A.length / 37) }, (_, i) => Math.min(37, LIVE_A.length - 37 * i)),
      );
    });

    it('items carry each key’s revision, and values only with values=true', async () => {
      const plain = await kv.listOk({ prefix: 'b/', limit: '1000' });
      const withValues = await kv.listOk({ prefix: 'b/', limit: '1000', values: 'true' });

      expect(plain.items.map((i) => i.key)).toEqual([...B_KEYS].sort(utf8Order));
      expect(plain.items.every((i) => Object.keys(i).sort().join() === 'key,revision')).toBe(true);
      expect(withValues.items).toEqual(plain.items.map((i) => ({ ...i, value: `value of ${i.key}` })));
      expect(withValues.nextCursor).toBeNull();
      const b7 = await kv.getOk('b/7');
      expect(plain.items.find((i) => i.key === 'b/7')?.revision).toBe(b7.revision);
    });

    it('without a prefix lists every key, 100 per page by default', async () => {
      const page = await kv.listOk({});

      expect(page.items).toHaveLength(100);
      expect(page.items.map((i) => i.key)).toEqual([...LIVE_A, ...B_KEYS, ...OTHER_KEYS].sort(utf8Order).slice(0, 100));
      expect(page.nextCursor).toEqual(expect.any(String));
    });

    it('a prefix nothing matches lists nothing', async () => {
      expect(await kv.listOk({ prefix: 'zzz/' })).toEqual({ items: [], nextCursor: null });
    });

    it.each<[string, Record<string, string>, RegExp]>([
      ['limit=0', { limit: '0' }, /limit/],
      ['limit=1001', { limit: '1001' }, /limit/],
      ['limit=abc', { limit: 'abc' }, /limit/],
      ['limit=1.5', { limit: '1.5' }, /limit/],
      ['values=maybe', { values: 'maybe' }, /values/],
      ['an unknown query parameter', { reverse: 'true' }, /reverse/],
      ['a cursor this API never returned', { cursor: '!!not-a-cursor!!' }, /cursor/],
      ['an empty cursor', { cursor: '' }, /cursor/],
      ['a prefix with a control character', { prefix: 'a/\u0001' }, /control/],
    ])('%s is refused with 400 JSON naming the problem', async (_what, query, mentions) => {
      const res = await kv.list(query).expect(400);

      expect(expectErrorBody(res.body, 400).message).toMatch(mentions);
    });
  });

  describe('placement', () => {
    let cluster: TestCluster;
    let kv: KvApi;
    const KEYS = Array.from({ length: 300 }, (_, i) => `placed/${i}`);

    beforeAll(async () => {
      cluster = await startCluster();
      kv = cluster.leader.kv;
      await writeAll(
        kv,
        KEYS.map((k) => [k, 'x'.repeat(10)]),
      );
    }, 2 * SLOW);

    afterAll(async () => {
      await cluster.close();
    });

    it('GET /cluster shows the partitions spread over all three storage nodes, each partition placed or unplaced', async () => {
      const view = await kv.clusterOk();

      expect(view.leader.ready).toBe(true);
      expect(view.partitionCount).toBe(PARTITIONS);
      const placed = view.partitions.map((p) => p.partition);
      expect([...placed, ...view.unplaced].sort((a, b) => a - b)).toEqual(
        Array.from({ length: PARTITIONS }, (_, p) => p),
      );
      for (const key of KEYS) expect(placed).toContain(partitionOf(key, PARTITIONS));
      expect(view.partitions.every((p) => p.replicas.length === 1 && p.state === 'healthy')).toBe(true);
      const storageNodes = view.nodes.filter((n) => n.role === 'storage');
      expect(storageNodes.map((n) => n.id)).toEqual(['s1', 's2', 's3']);
      for (const node of storageNodes) {
        expect(node.status).toBe('UP');
        expect(node.partitions).toBeGreaterThan(0);
        expect(node.partitions).toBe(view.partitions.filter((p) => p.replicas.includes(node.id)).length);
      }
    });

    it(
      'node and partition stats catch up with what was written',
      async () => {
        const totalBytes = KEYS.reduce((sum, k) => sum + Buffer.byteLength(k) + 10, 0);

        const view = await waitFor('the leader to report every written key in its node stats', async () => {
          const v = await kv.clusterOk();
          const keys = v.nodes.reduce((sum, n) => sum + (n.keyCount ?? 0), 0);
          return keys === KEYS.length ? v : undefined;
        });

        for (const node of view.nodes.filter((n) => n.role === 'storage')) {
          expect(node).toMatchObject({
            usedBytes: expect.any(Number),
            capacityBytes: expect.any(Number),
            keyCount: expect.any(Number),
          });
          expect(node.keyCount).toBeGreaterThan(0);
        }
        expect(view.nodes.reduce((sum, n) => sum + (n.usedBytes ?? 0), 0)).toBe(totalBytes);
        expect(view.partitions.reduce((sum, p) => sum + (p.keyCount ?? 0), 0)).toBe(KEYS.length);
        expect(view.partitions.reduce((sum, p) => sum + (p.bytes ?? 0), 0)).toBe(totalBytes);
      },
      SLOW,
    );
  });

  describe('a storage node that is down or unreachable', () => {
    let cluster: TestCluster;
    let kv: KvApi;
    let owners: Map<string, string[]>;
    const KEYS = Array.from({ length: 120 }, (_, i) => `avail/${i}`);

    beforeEach(async () => {
      cluster = await startCluster();
      kv = cluster.leader.kv;
      await writeAll(
        kv,
        KEYS.map((k) => [k, `value of ${k}`]),
      );
      owners = ownersOf(await kv.clusterOk(), KEYS);
      expect([...owners.keys()].sort()).toEqual(['s1', 's2', 's3']);
    }, 2 * SLOW);

    afterEach(async () => {
      await cluster.close();
    });

    const expectUnavailable = async (key: string) => {
      const res = await kv.get(key).expect(503);
      const partition = partitionOf(key, PARTITIONS);
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
      expect(expectErrorBody(res.body, 503, { partition }).message).toContain(`partition ${partition}`);
      return res;
    };

    it(
      'a node the registry marks DOWN: its keys answer 503 with Retry-After naming the partition, keys elsewhere 200',
      async () => {
        cluster.registry.setStatus('s2', 'DOWN');
        await waitFor(
          'the leader to see s2 DOWN',
          async () => (await kv.clusterOk()).nodes.find((n) => n.id === 's2')?.status === 'DOWN',
        );

        for (const key of owners.get('s2')!) {
          const res = await expectUnavailable(key);
          expect(res.body.message).toMatch(/s2.*DOWN/);
        }
        for (const key of [...owners.get('s1')!, ...owners.get('s3')!]) {
          expect((await kv.getOk(key)).value).toBe(`value of ${key}`);
        }
        const elsewhere = owners.get('s1')![0];
        await kv.put(elsewhere, 'still writable').expect(200);
        const onDown = owners.get('s2')![0];
        // No majority answered: the leader cannot tell whether the write landed anywhere.
        expectErrorBody((await kv.put(onDown, 'lost?').expect(503)).body, 503, {
          partition: partitionOf(onDown, PARTITIONS),
          outcome: 'unknown',
        });
        // A conditional write reads first; that read failed, so nothing was written: safe to repeat.
        for (const conditional of [kv.put(onDown, 'x', { 'If-Match': '"1"' }), kv.delete(onDown)]) {
          expectErrorBody((await conditional.expect(503)).body, 503, {
            partition: partitionOf(onDown, PARTITIONS),
            outcome: 'not-applied',
          });
        }
        // Reads say nothing of an outcome.
        expect((await kv.get(onDown).expect(503)).body.outcome).toBeUndefined();
      },
      SLOW,
    );

    it(
      'a node that is DOWN after it reported: new partitions are placed on the live nodes',
      async () => {
        cluster.registry.setStatus('s2', 'DOWN');
        await waitFor('the leader to see s2 DOWN', async () => (await kv.clusterOk()).nodes.find((n) => n.id === 's2')?.status === 'DOWN');
        const unplaced = new Set((await kv.clusterOk()).unplaced);
        const fresh = Array.from({ length: 2000 }, (_, i) => `fresh/${i}`).find((k) => unplaced.has(partitionOf(k, PARTITIONS)));
        expect(fresh).toBeDefined();
        await kv.put(fresh!, 'placed while s2 is down').expect(201);
        const owner = (await kv.clusterOk()).partitions.find((p) => p.partition === partitionOf(fresh!, PARTITIONS));
        expect(owner?.replicas).toHaveLength(1);
        expect(owner?.replicas[0]).not.toBe('s2');
        expect((await kv.getOk(fresh!)).value).toBe('placed while s2 is down');
      },
      SLOW,
    );

    it(
      'a node that comes back UP serves its keys again, unchanged',
      async () => {
        const key = owners.get('s2')![0];
        cluster.registry.setStatus('s2', 'DOWN');
        await waitFor('s2 to be unavailable', async () => (await kv.get(key)).status === 503);

        cluster.registry.setStatus('s2', 'UP');

        await waitFor('s2 to serve again', async () => (await kv.get(key)).status === 200);
        expect((await kv.getOk(key)).value).toBe(`value of ${key}`);
      },
      SLOW,
    );

    it(
      'a node that stopped answering but is still listed UP: its keys answer 503 with Retry-After, keys elsewhere 200',
      async () => {
        await cluster.node('s3').close();

        for (const key of owners.get('s3')!) {
          const res = await expectUnavailable(key);
          expect(res.body.message).toMatch(/s3.*unreachable/);
        }
        for (const key of [...owners.get('s1')!, ...owners.get('s2')!]) {
          expect((await kv.getOk(key)).value).toBe(`value of ${key}`);
        }
      },
      SLOW,
    );
  });

  describe('with API_TOKEN set', () => {
    const TOKEN = 'leader-api-token-0123';
    let cluster: TestCluster;
    let withToken: KvApi;

    beforeAll(async () => {
      cluster = await startCluster({ leaderEnv: { API_TOKEN: TOKEN } });
      withToken = cluster.leader.kv;
      await withToken.putOk('secured/existing', 'original');
    }, SLOW);

    afterAll(async () => {
      await cluster.close();
    });

    const clients: [string, () => KvApi][] = [
      ['without a token', () => kvApi(cluster.leader.http)],
      ['with a wrong token', () => kvApi(cluster.leader.http, 'wrong-token-0123')],
      ['with the cluster secret instead', () => kvApi(cluster.leader.http, 'test-cluster-secret-0123456789')],
    ];

    it.each(clients)('%s: every /kv and /cluster route answers 401 JSON, and nothing changes', async (_how, client) => {
      const kv = client();

      for (const res of [
        await kv.get('secured/existing'),
        await kv.put('secured/existing', 'hijacked'),
        await kv.put('secured/new', 'sneaked in'),
        await kv.delete('secured/existing'),
        await kv.list({}),
        await kv.cluster(),
      ]) {
        expect(res.status).toBe(401);
        expect(expectErrorBody(res.body, 401).message).toMatch(/API token/);
      }
      expect((await withToken.getOk('secured/existing')).value).toBe('original');
      await withToken.get('secured/new').expect(404);
    });

    it('with the right token every route works', async () => {
      await withToken.put('secured/mine', 'v').expect(201);
      expect((await withToken.getOk('secured/mine')).value).toBe('v');
      expect((await withToken.listOk({ prefix: 'secured/' })).items.map((i) => i.key)).toEqual([
        'secured/existing',
        'secured/mine',
      ]);
      expect((await withToken.clusterOk()).leader.ready).toBe(true);
      await withToken.delete('secured/mine').expect(204);
    });

    it('GET /health stays open', async () => {
      const res = await request(cluster.leader.http).get('/health').expect(200);

      expect(res.body).toMatchObject({ status: 'ok', role: 'leader' });
    });
  });

  describe('a restarted leader', () => {
    let cluster: TestCluster;

    beforeAll(async () => {
      cluster = await startCluster();
    }, SLOW);

    afterAll(async () => {
      await cluster.close();
    });

    it(
      'rebuilds from the storage nodes: every key reads back, and a new write gets a higher revision than any before',
      async () => {
        const keys = Array.from({ length: 80 }, (_, i) => `restart/${i}`);
        const written = await writeAll(
          cluster.leader.kv,
          keys.map((k) => [k, `value of ${k}`]),
        );
        const deleted = keys.filter((_, i) => i % 10 === 0);
        for (const key of deleted) await cluster.leader.kv.delete(key).expect(204);
        const highestBefore = (await cluster.leader.kv.clusterOk()).leader.revision;
        expect(highestBefore).toBeGreaterThanOrEqual(Math.max(...[...written.values()].map((w) => w.revision)));
        const placementBefore = (await cluster.leader.kv.clusterOk()).partitions;

        await cluster.leader.close();
        cluster.leader = await startLeader(cluster.registry);
        const kv = cluster.leader.kv;

        const view = await kv.clusterOk();
        expect(view.partitions).toEqual(
          placementBefore.map((p) => ({ ...p, keyCount: expect.any(Number), bytes: expect.any(Number) })),
        );
        expect(view.leader.revision).toBeGreaterThanOrEqual(highestBefore);
        for (const key of keys) {
          if (deleted.includes(key)) {
            await kv.get(key).expect(404);
          } else {
            expect(await kv.getOk(key)).toEqual({
              key,
              value: `value of ${key}`,
              revision: written.get(key)!.revision,
            });
          }
        }
        const next = await kv.put(keys[1], 'after restart').expect(200);
        expect(next.body.revision).toBeGreaterThan(highestBefore);
        const created = await kv.put('restart/new', 'fresh').expect(201);
        expect(created.body.revision).toBeGreaterThan(next.body.revision);
      },
      2 * SLOW,
    );
  });
});
