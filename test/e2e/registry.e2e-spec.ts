import type { INestApplication } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import request from 'supertest';
import type { App } from 'supertest/types.js';
import { Clock } from '../../src/common/clock.js';
import { EVICTION_INTERVAL } from '../../src/registry/registry-eviction.job.js';
import { RegistryService } from '../../src/registry/registry.service.js';
import { auth, createTestApp, TEST_SECRET } from '../support/test-app.js';

/** Time that only moves when the test says so. */
class FakeClock extends Clock {
  constructor(private t: number) {
    super();
  }
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

const START = Date.parse('2026-01-05T10:00:00.000Z');
const INTERVAL = 1000;
const LEASE = 5000;
const RETENTION = 60_000;
const ENV = {
  ROLE: 'registry',
  HEARTBEAT_INTERVAL_MS: String(INTERVAL),
  LEASE_TTL_MS: String(LEASE),
  DOWN_RETENTION_MS: String(RETENTION),
};
const STORAGE_1 = { id: 'storage-1', role: 'storage', url: 'http://127.0.0.1:4001' };
const STORAGE_2 = { id: 'storage-2', role: 'storage', url: 'http://127.0.0.1:4002' };
const LEADER = { id: 'leader', role: 'leader', url: 'http://127.0.0.1:3000' };

describe('registry (e2e)', () => {
  let app: INestApplication;
  let clock: FakeClock;
  let http: App;

  beforeEach(async () => {
    clock = new FakeClock(START);
    ({ app } = await createTestApp(ENV, (b) => b.overrideProvider(Clock).useValue(clock)));
    http = app.getHttpServer() as App;
  });

  afterEach(async () => {
    await app.close();
  });

  const register = (body: object) => request(http).post('/registry/nodes').set(auth).send(body);
  const heartbeat = (id: string, body?: object) => {
    const req = request(http).put(`/registry/nodes/${encodeURIComponent(id)}/heartbeat`).set(auth);
    return body === undefined ? req : req.send(body);
  };
  const getNode = (id: string) => request(http).get(`/registry/nodes/${encodeURIComponent(id)}`).set(auth);
  const list = async (query = '') => {
    const res = await request(http).get(`/registry/nodes${query}`).set(auth).expect(200);
    return res.body as { nodes: Array<Record<string, unknown>> };
  };
  const ids = async (query = '') => (await list(query)).nodes.map((n) => n.id);
  const iso = (ms: number) => new Date(ms).toISOString();
  const expectErrorBody = (body: unknown, statusCode: number) =>
    expect(body).toEqual({ statusCode, error: expect.any(String), message: expect.any(String) });

  describe('POST /registry/nodes', () => {
    it('registers a node: 201 with the timings it must keep, then it is listed UP', async () => {
      const res = await register(STORAGE_1).expect(201);

      expect(res.body).toEqual({ id: 'storage-1', heartbeatIntervalMs: INTERVAL, leaseTtlMs: LEASE });
      expect(await list()).toEqual({
        nodes: [{ ...STORAGE_1, status: 'UP', stats: {}, registeredAt: iso(START), lastHeartbeatAt: iso(START) }],
      });
    });

    it('is idempotent: registering again (a restart) renews the lease and keeps registeredAt', async () => {
      await register(STORAGE_1).expect(201);
      clock.advance(1500);

      const res = await register(STORAGE_1).expect(201);

      expect(res.body).toEqual({ id: 'storage-1', heartbeatIntervalMs: INTERVAL, leaseTtlMs: LEASE });
      expect((await list()).nodes).toEqual([
        { ...STORAGE_1, status: 'UP', stats: {}, registeredAt: iso(START), lastHeartbeatAt: iso(START + 1500) },
      ]);
    });

    it('replaces the entry when the node comes back at another url', async () => {
      await register(STORAGE_1).expect(201);
      clock.advance(1000);

      await register({ ...STORAGE_1, url: 'https://storage-1.internal:8443' }).expect(201);

      const { body } = await getNode('storage-1').expect(200);
      expect(body).toMatchObject({ url: 'https://storage-1.internal:8443', registeredAt: iso(START + 1000) });
    });

    it('drops trailing slashes from the url', async () => {
      await register({ ...STORAGE_1, url: 'http://127.0.0.1:4001//' }).expect(201);

      expect((await getNode('storage-1').expect(200)).body.url).toBe('http://127.0.0.1:4001');
    });

    it('accepts every role, hostnames without a TLD, and ids with ".", "_" and "-"', async () => {
      await register({ id: 'reg.1_a-b', role: 'registry', url: 'http://registry:3000' }).expect(201);
      await register(LEADER).expect(201);
      await register(STORAGE_1).expect(201);

      expect(await ids()).toEqual(['leader', 'reg.1_a-b', 'storage-1']);
    });

    it.each([
      ['missing id', { role: 'storage', url: 'http://127.0.0.1:4001' }, /id/],
      ['empty id', { ...STORAGE_1, id: '' }, /id/],
      ['id starting with "-"', { ...STORAGE_1, id: '-storage' }, /id/],
      ['id with "/"', { ...STORAGE_1, id: 'a/b' }, /id/],
      ['id of 64 characters', { ...STORAGE_1, id: 'a'.repeat(64) }, /id/],
      ['numeric id', { ...STORAGE_1, id: 7 }, /id/],
      ['missing role', { id: 'storage-1', url: 'http://127.0.0.1:4001' }, /role/],
      ['unknown role', { ...STORAGE_1, role: 'master' }, /role/],
      ['missing url', { id: 'storage-1', role: 'storage' }, /url/],
      ['url that is not a URL', { ...STORAGE_1, url: 'not a url' }, /url/],
      ['url without protocol', { ...STORAGE_1, url: '127.0.0.1:4001' }, /url/],
      ['ftp url', { ...STORAGE_1, url: 'ftp://127.0.0.1/x' }, /url/],
      ['unknown extra field', { ...STORAGE_1, admin: true }, /admin/],
    ])('rejects a body with %s: 400 and nothing registered', async (_scenario, body, mentions) => {
      const res = await register(body).expect(400);

      expectErrorBody(res.body, 400);
      expect(res.body.message).toMatch(mentions);
      expect(await ids()).toEqual([]);
    });

    it('rejects malformed JSON: 400 JSON error, nothing registered', async () => {
      const res = await request(http)
        .post('/registry/nodes')
        .set(auth)
        .set('Content-Type', 'application/json')
        .send('{"id": "storage-1", ')
        .expect(400);

      expectErrorBody(res.body, 400);
      expect(res.body.message).toMatch(/JSON/);
      expect(await ids()).toEqual([]);
    });

    it('rejects a body that is not JSON: 400 JSON error, nothing registered', async () => {
      const res = await request(http)
        .post('/registry/nodes')
        .set(auth)
        .set('Content-Type', 'text/plain')
        .send(JSON.stringify(STORAGE_1))
        .expect(400);

      expectErrorBody(res.body, 400);
      expect(res.body.message).toMatch(/JSON/);
      expect(await ids()).toEqual([]);
    });

    it('rejects a JSON array, a JSON null or an empty body: 400, nothing registered', async () => {
      expectErrorBody((await register([STORAGE_1]).expect(400)).body, 400);
      const jsonNull = request(http).post('/registry/nodes').set(auth).set('Content-Type', 'application/json');
      expectErrorBody((await jsonNull.send('null').expect(400)).body, 400);
      expectErrorBody((await request(http).post('/registry/nodes').set(auth).expect(400)).body, 400);
      expect(await ids()).toEqual([]);
    });
  });

  describe('PUT /registry/nodes/:id/heartbeat', () => {
    beforeEach(async () => {
      await register(STORAGE_1).expect(201);
    });

    it("renews the lease: 200 with the node's view, and the stats are visible in the listing", async () => {
      clock.advance(900);
      const stats = { usedBytes: 73400320, capacityBytes: 10737418240, keyCount: 1532 };

      const res = await heartbeat('storage-1', stats).expect(200);

      const view = { ...STORAGE_1, status: 'UP', stats, registeredAt: iso(START), lastHeartbeatAt: iso(START + 900) };
      expect(res.body).toEqual(view);
      expect((await list()).nodes).toEqual([view]);
    });

    it('accepts {} and an empty body (roles that report no stats)', async () => {
      clock.advance(100);
      expect((await heartbeat('storage-1', {}).expect(200)).body).toMatchObject({ stats: {}, lastHeartbeatAt: iso(START + 100) });
      clock.advance(100);
      expect((await heartbeat('storage-1').expect(200)).body).toMatchObject({ lastHeartbeatAt: iso(START + 200) });
    });

    it('answers 404 for an unknown id (the node must register again), creating nothing', async () => {
      const res = await heartbeat('storage-9', { usedBytes: 1 }).expect(404);

      expect(res.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'node "storage-9" is not registered' });
      expect(await ids()).toEqual(['storage-1']);
    });

    it.each([
      ['negative usedBytes', { usedBytes: -1 }, /usedBytes/],
      ['fractional capacityBytes', { capacityBytes: 1.5 }, /capacityBytes/],
      ['keyCount as a string', { keyCount: '5' }, /keyCount/],
      ['usedBytes beyond 2^53-1', { usedBytes: 2 ** 53 }, /usedBytes/],
      ['null keyCount', { keyCount: null }, /keyCount/],
      ['unknown extra field', { usedBytes: 1, cpu: 0.5 }, /cpu/],
    ])('rejects %s: 400 and the lease and stats are unchanged', async (_scenario, body, mentions) => {
      await heartbeat('storage-1', { usedBytes: 10 }).expect(200);
      clock.advance(500);

      const res = await heartbeat('storage-1', body).expect(400);

      expectErrorBody(res.body, 400);
      expect(res.body.message).toMatch(mentions);
      const { body: node } = await getNode('storage-1').expect(200);
      expect(node).toMatchObject({ stats: { usedBytes: 10 }, lastHeartbeatAt: iso(START) });
    });

    it('rejects malformed JSON, non-JSON and JSON array bodies: 400, lease unchanged', async () => {
      clock.advance(500);

      const malformed = await request(http)
        .put('/registry/nodes/storage-1/heartbeat')
        .set(auth)
        .set('Content-Type', 'application/json')
        .send('{"usedBytes": ')
        .expect(400);
      const text = await request(http)
        .put('/registry/nodes/storage-1/heartbeat')
        .set(auth)
        .set('Content-Type', 'text/plain')
        .send('usedBytes=5')
        .expect(400);

      const array = await heartbeat('storage-1', [{ usedBytes: 5 }]).expect(400);

      expectErrorBody(malformed.body, 400);
      expectErrorBody(text.body, 400);
      expectErrorBody(array.body, 400);
      expect((await getNode('storage-1').expect(200)).body.lastHeartbeatAt).toBe(iso(START));
    });
  });

  describe('lease status', () => {
    beforeEach(async () => {
      await register(STORAGE_1).expect(201);
    });
    const statusOf = async (id: string) => ((await getNode(id).expect(200)).body as { status: string }).status;

    it('goes UP → SUSPECT → DOWN → evicted as heartbeats stop', async () => {
      clock.advance(2 * INTERVAL);
      expect(await statusOf('storage-1')).toBe('UP');
      clock.advance(1);
      expect(await statusOf('storage-1')).toBe('SUSPECT');
      clock.advance(LEASE - 2 * INTERVAL - 1);
      expect(await statusOf('storage-1')).toBe('SUSPECT');
      clock.advance(1);
      expect(await statusOf('storage-1')).toBe('DOWN');

      clock.advance(RETENTION - 1);
      expect(app.get(RegistryService).evictExpired()).toEqual([]);
      expect(await statusOf('storage-1')).toBe('DOWN');

      clock.advance(1);
      expect(app.get(RegistryService).evictExpired()).toEqual(['storage-1']);
      expectErrorBody((await getNode('storage-1').expect(404)).body, 404);
      expect(await ids()).toEqual([]);
      // An evicted node's heartbeat gets 404, and it registers again, UP.
      await heartbeat('storage-1', {}).expect(404);
      await register(STORAGE_1).expect(201);
      expect((await getNode('storage-1').expect(200)).body).toMatchObject({ status: 'UP', registeredAt: iso(clock.now()) });
    });

    it('is back to UP with a heartbeat after being SUSPECT or DOWN', async () => {
      clock.advance(2 * INTERVAL + 1);
      expect((await heartbeat('storage-1', {}).expect(200)).body.status).toBe('UP');
      clock.advance(LEASE + 1);
      expect(await statusOf('storage-1')).toBe('DOWN');
      expect((await heartbeat('storage-1', {}).expect(200)).body.status).toBe('UP');
    });

    it('a DOWN node that registers again (a restart) is UP', async () => {
      clock.advance(LEASE + 1);
      await register(STORAGE_1).expect(201);

      expect(await statusOf('storage-1')).toBe('UP');
    });

    it('runs the eviction sweep on the configured heartbeat interval, and stops it on close', async () => {
      const scheduler = app.get(SchedulerRegistry);
      expect(scheduler.doesExist('interval', EVICTION_INTERVAL)).toBe(true);

      await app.close();

      expect(scheduler.doesExist('interval', EVICTION_INTERVAL)).toBe(false);
    });
  });

  describe('DELETE /registry/nodes/:id', () => {
    it('lets a node leave: 204 with no body, then it is gone (404 on every route)', async () => {
      await register(STORAGE_1).expect(201);
      await register(STORAGE_2).expect(201);

      const res = await request(http).delete('/registry/nodes/storage-1').set(auth).expect(204);

      expect(res.text).toBe('');
      expect(await ids()).toEqual(['storage-2']);
      await getNode('storage-1').expect(404);
      await heartbeat('storage-1', {}).expect(404);
      expectErrorBody((await request(http).delete('/registry/nodes/storage-1').set(auth).expect(404)).body, 404);
    });

    it('answers 404 for an unknown id', async () => {
      const res = await request(http).delete('/registry/nodes/nobody').set(auth).expect(404);

      expect(res.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'node "nobody" is not registered' });
    });
  });

  describe('GET /registry/nodes', () => {
    beforeEach(async () => {
      await register(STORAGE_2).expect(201);
      await register(LEADER).expect(201);
      clock.advance(3000);
      await register(STORAGE_1).expect(201);
      await heartbeat('leader', {}).expect(200);
      clock.advance(2001); // storage-2 silent 5001 ms: DOWN; storage-1 and leader silent 2001 ms: SUSPECT
      await heartbeat('leader', {}).expect(200); // leader UP again
    });

    it('lists every node sorted by id, with its status', async () => {
      const { nodes } = await list();

      expect(nodes.map((n) => [n.id, n.status])).toEqual([
        ['leader', 'UP'],
        ['storage-1', 'SUSPECT'],
        ['storage-2', 'DOWN'],
      ]);
    });

    it('filters by role, by status, and by both', async () => {
      expect(await ids('?role=storage')).toEqual(['storage-1', 'storage-2']);
      expect(await ids('?role=leader')).toEqual(['leader']);
      expect(await ids('?role=registry')).toEqual([]);
      expect(await ids('?status=UP')).toEqual(['leader']);
      expect(await ids('?status=SUSPECT')).toEqual(['storage-1']);
      expect(await ids('?status=DOWN')).toEqual(['storage-2']);
      expect(await ids('?role=storage&status=DOWN')).toEqual(['storage-2']);
      expect(await ids('?role=leader&status=DOWN')).toEqual([]);
    });

    it.each([
      ['an unknown role', '?role=master', /role/],
      ['a lowercase status', '?status=up', /status/],
      ['an unknown status', '?status=DEAD', /status/],
      ['a repeated filter', '?role=storage&role=leader', /role/],
      ['an unknown parameter', '?limit=1', /limit/],
    ])('rejects %s with 400', async (_scenario, query, mentions) => {
      const res = await request(http).get(`/registry/nodes${query}`).set(auth).expect(400);

      expectErrorBody(res.body, 400);
      expect(res.body.message).toMatch(mentions);
    });

    it('GET /registry/nodes/:id returns one node, 404 for an unknown one', async () => {
      expect((await getNode('leader').expect(200)).body).toEqual({
        ...LEADER,
        status: 'UP',
        stats: {},
        registeredAt: iso(START),
        lastHeartbeatAt: iso(START + 5001),
      });
      const res = await getNode('nobody').expect(404);
      expect(res.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'node "nobody" is not registered' });
    });
  });

  describe('cluster secret', () => {
    const withoutSecret = [
      ['POST /registry/nodes', () => request(http).post('/registry/nodes').send(STORAGE_2)],
      ['PUT heartbeat', () => request(http).put('/registry/nodes/storage-1/heartbeat').send({ usedBytes: 5 })],
      ['DELETE', () => request(http).delete('/registry/nodes/storage-1')],
      ['GET list', () => request(http).get('/registry/nodes')],
      ['GET one', () => request(http).get('/registry/nodes/storage-1')],
    ] as const;

    beforeEach(async () => {
      await register(STORAGE_1).expect(201);
      clock.advance(500);
    });

    it.each(withoutSecret)('%s without the secret: 401 and nothing changes', async (_route, call) => {
      const res = await call().expect(401);

      expectErrorBody(res.body, 401);
      expect((await list()).nodes).toEqual([
        { ...STORAGE_1, status: 'UP', stats: {}, registeredAt: iso(START), lastHeartbeatAt: iso(START) },
      ]);
    });

    it.each(withoutSecret)('%s with a wrong secret: 401 and nothing changes', async (_route, call) => {
      const res = await call().set('Authorization', `Bearer ${TEST_SECRET}x`).expect(401);

      expectErrorBody(res.body, 401);
      expect((await list()).nodes).toEqual([
        { ...STORAGE_1, status: 'UP', stats: {}, registeredAt: iso(START), lastHeartbeatAt: iso(START) },
      ]);
    });

    it('GET /health is open', async () => {
      const res = await request(http).get('/health').expect(200);

      expect(res.body).toMatchObject({ status: 'ok', role: 'registry' });
    });
  });

  describe('OpenAPI document', () => {
    it('is served open at /docs-json, lists the registry routes and no storage or leader ones', async () => {
      const res = await request(http).get('/docs-json').expect(200);
      const doc = res.body as { paths: Record<string, Record<string, { tags?: string[]; security?: unknown[] }>> };
      const paths = Object.keys(doc.paths);

      expect(paths).toEqual(
        expect.arrayContaining(['/registry/nodes', '/registry/nodes/{id}', '/registry/nodes/{id}/heartbeat', '/health']),
      );
      expect(Object.keys(doc.paths['/registry/nodes']).sort()).toEqual(['get', 'post']);
      expect(Object.keys(doc.paths['/registry/nodes/{id}']).sort()).toEqual(['delete', 'get']);
      expect(Object.keys(doc.paths['/registry/nodes/{id}/heartbeat'])).toEqual(['put']);
      expect(doc.paths['/registry/nodes'].post.tags).toEqual(['registry']);
      expect(doc.paths['/registry/nodes'].post.security).toEqual([{ bearer: [] }]);
      expect(paths.filter((p) => p.startsWith('/kv') || p.startsWith('/internal'))).toEqual([]);
    });
  });
});
