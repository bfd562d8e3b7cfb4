import { jest } from '@jest/globals';
import request from 'supertest';
import { partitionOf } from '../../src/common/hash.js';
import { KvController } from '../../src/leader/kv.controller.js';
import { StorageController } from '../../src/storage/storage.controller.js';
import { expectErrorBody } from '../support/error-body.js';
import { kvPath } from '../support/kv-api.js';
import { startCluster, type TestCluster } from '../support/leader-cluster.js';
import { auth } from '../support/test-app.js';

const TOKEN = 'fast-lane-api-token';
const MAX_VALUE_BYTES = 1024;
const SLOW = 20_000;

/**
 * A spy on a controller method that Nest still routes to: Nest reads a route's path and method
 * from metadata on the method's function, which the spy must carry too.
 */
function spyOnRoute<T extends object>(prototype: T, name: keyof T & string) {
  const original = prototype[name] as object;
  const spy = jest.spyOn(prototype, name as never);
  for (const key of Reflect.getMetadataKeys(original))
    Reflect.defineMetadata(key, Reflect.getMetadata(key, original), spy);
  return spy;
}

/** ddb_http_requests_total for one method/route/status, from the node's /metrics. */
async function requestsCounted(
  http: Parameters<typeof request>[0],
  method: string,
  route: string,
  status: number,
): Promise<number> {
  const text = (await request(http).get('/metrics').set(auth).expect(200)).text;
  const line = text
    .split('\n')
    .find(
      (l) =>
        l.startsWith('ddb_http_requests_total{') &&
        l.includes(`method="${method}"`) &&
        l.includes(`route="${route}"`) &&
        l.includes(`status="${status}"`),
    );
  return line === undefined ? 0 : Number(line.split(' ').pop());
}

// The hot routes are answered in front of express and Nest (src/common/fast-lane.ts). These tests
// prove that they are, that they answer as the Nest routes do, and that what a lane does not take
// still reaches the controller.
describe('fast lanes (e2e)', () => {
  let cluster: TestCluster;
  const controllerGet = spyOnRoute(KvController.prototype, 'get');
  const controllerPut = spyOnRoute(KvController.prototype, 'put');
  const storageOps = spyOnRoute(StorageController.prototype, 'ops');
  const http = () => cluster.leader.http;
  const bearer = { Authorization: `Bearer ${TOKEN}` };

  beforeAll(async () => {
    cluster = await startCluster({ leaderEnv: { API_TOKEN: TOKEN, MAX_VALUE_BYTES: String(MAX_VALUE_BYTES) } });
  }, SLOW);

  afterAll(async () => {
    await cluster.close();
    jest.restoreAllMocks();
  });

  beforeEach(() => jest.clearAllMocks());

  describe("the leader's /kv/{key}", () => {
    it('serves PUT, GET and DELETE of a plain key without KvController, with the same answers', async () => {
      const created = await request(http()).put(kvPath('lane/a')).set(bearer).send({ value: 'one' }).expect(201);
      expect(created.body).toEqual({ key: 'lane/a', revision: expect.any(Number) });
      expect(created.headers.etag).toBe(`"${created.body.revision}"`);
      expect(created.headers['content-type']).toBe('application/json; charset=utf-8');

      const replaced = await request(http()).put(kvPath('lane/a')).set(bearer).send({ value: 'two' }).expect(200);
      const read = await request(http()).get(kvPath('lane/a')).set(bearer).expect(200);
      expect(read.body).toEqual({ key: 'lane/a', value: 'two', revision: replaced.body.revision });
      expect(read.headers.etag).toBe(`"${replaced.body.revision}"`);

      await request(http()).delete(kvPath('lane/a')).set(bearer).expect(204);
      expectErrorBody((await request(http()).get(kvPath('lane/a')).set(bearer).expect(404)).body, 404);

      expect(controllerGet).not.toHaveBeenCalled();
      expect(controllerPut).not.toHaveBeenCalled();
      expect(storageOps).not.toHaveBeenCalled();
    });

    it('keeps the client X-Request-Id, and gives one to a request without', async () => {
      const given = await request(http())
        .get(kvPath('lane/none'))
        .set(bearer)
        .set('X-Request-Id', 'trace-17')
        .expect(404);
      expect(given.headers['x-request-id']).toBe('trace-17');
      const made = await request(http()).get(kvPath('lane/none')).set(bearer).expect(404);
      expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('refuses a request without the API token: 401 JSON, nothing written', async () => {
      const res = await request(http()).put(kvPath('lane/secret')).send({ value: 'x' }).expect(401);
      expectErrorBody(res.body, 401);
      await request(http()).get(kvPath('lane/secret')).expect(401);
      await request(http()).get(kvPath('lane/secret')).set(bearer).expect(404);
    });

    it('refuses malformed JSON, a JSON string and an oversized body as the JSON middleware does', async () => {
      const putText = (text: string) =>
        request(http()).put(kvPath('lane/bad')).set(bearer).set('Content-Type', 'application/json').send(text);
      for (const text of ['{"value": ', '"x"']) {
        const refused = await putText(text).expect(400);
        expect(expectErrorBody(refused.body, 400).message).toMatch(/^malformed JSON body/);
      }
      const huge = await request(http())
        .put(kvPath('lane/bad'))
        .set(bearer)
        .send({ value: 'x'.repeat(MAX_VALUE_BYTES * 6 + 70 * 1024) })
        .expect(413);
      expectErrorBody(huge.body, 413);
      await request(http()).get(kvPath('lane/bad')).set(bearer).expect(404);
    });

    it('answers a failed condition with 412 and the current revision', async () => {
      const { revision } = (await request(http()).put(kvPath('lane/cas')).set(bearer).send({ value: 'v' }).expect(201))
        .body as { revision: number };
      const res = await request(http())
        .put(kvPath('lane/cas'))
        .set(bearer)
        .set('If-Match', `"${revision + 100}"`)
        .send({ value: 'w' })
        .expect(412);
      expectErrorBody(res.body, 412, { currentRevision: revision });
    });

    it('hands a body it cannot use to KvController: its validation answers, nothing is written, counted once', async () => {
      const before = await requestsCounted(http(), 'PUT', '/kv/*key', 400);

      const wrongType = await request(http()).put(kvPath('lane/odd')).set(bearer).send({ value: 5 }).expect(400);
      expect(expectErrorBody(wrongType.body, 400).message).toBe('value must be a string');
      const extra = await request(http()).put(kvPath('lane/odd')).set(bearer).send({ value: 'v', more: 1 }).expect(400);
      expect(expectErrorBody(extra.body, 400).message).toMatch(/property more should not exist/);

      await request(http()).get(kvPath('lane/odd')).set(bearer).expect(404);
      expect(await requestsCounted(http(), 'PUT', '/kv/*key', 400)).toBe(before + 2);
    });

    it('leaves a path the router might read differently to KvController', async () => {
      await request(http()).put(kvPath('lane/plain')).set(bearer).send({ value: 'v' }).expect(201);
      const res = await request(http()).get('/kv/lane/plain?x=1').set(bearer).expect(200);
      expect(res.body).toMatchObject({ key: 'lane/plain', value: 'v' });
      expect(controllerGet).not.toHaveBeenCalled();

      // express reads the trailing slash as an empty last segment: the key "lane/plain/", not written.
      await request(http()).get('/kv/lane/plain/').set(bearer).expect(404);
      expect(controllerGet).toHaveBeenCalledTimes(1);
    });
  });

  describe("a storage node's /internal/ops", () => {
    const node = () => cluster.storage[0];
    const partition = 0;

    it('runs a well-formed batch without StorageController; refuses it without the cluster secret', async () => {
      const ops = [{ type: 'get', partition, key: 'lane/nothing' }];
      const res = await request(node().app.getHttpServer()).post('/internal/ops').set(auth).send({ ops }).expect(200);
      expect(res.body).toEqual({ results: [expect.any(Object)] });
      expect(storageOps).not.toHaveBeenCalled();

      expectErrorBody(
        (await request(node().app.getHttpServer()).post('/internal/ops').send({ ops }).expect(401)).body,
        401,
      );
    });

    it('hands a malformed batch to the DTO validation: 400 JSON, nothing stored', async () => {
      const key = 'lane/storage-bad';
      const bad = [{ type: 'put', partition: partitionOf(key, 64), key, value: 'v', revision: 0 }];
      const res = await request(node().app.getHttpServer())
        .post('/internal/ops')
        .set(auth)
        .send({ ops: bad })
        .expect(400);
      expect(expectErrorBody(res.body, 400).message).toMatch(/revision must not be less than 1/);
      const read = await request(node().app.getHttpServer())
        .post('/internal/ops')
        .set(auth)
        .send({ ops: [{ type: 'get', partition: partitionOf(key, 64), key }] })
        .expect(200);
      expect(read.body.results[0]).not.toHaveProperty('record.value', 'v');
    });
  });
});
