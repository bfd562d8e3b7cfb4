import { jest } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { App } from 'supertest/types.js';
import { NodeIdentity } from '../../src/common/node-identity.js';
import { expectErrorBody } from '../support/error-body.js';
import { FakeRegistry } from '../support/fake-registry.js';
import { FAST_CLUSTER_ENV, startCluster, startLeader, type TestCluster } from '../support/leader-cluster.js';
import { waitFor } from '../support/poll.js';
import { startStorageNode, type StorageNode } from '../support/storage-nodes.js';
import { auth, createTestApp } from '../support/test-app.js';

// Health (terminus), Prometheus metrics and request ids, on each role's real module.
jest.setTimeout(30_000);

async function metricsOf(http: App): Promise<string> {
  const res = await request(http).get('/metrics').set(auth).expect(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text;
}

/** The value of one series, found by its name and a label subset written as Prometheus does. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.split(' ').pop());
  }
  return undefined;
}

describe('registry health and metrics (e2e)', () => {
  let app: INestApplication;
  let http: App;
  beforeAll(async () => {
    ({ app } = await createTestApp({ ROLE: 'registry' }));
    http = app.getHttpServer() as App;
  });
  afterAll(() => app.close());

  it('is live and ready at once, and /health is the same answer as /health/ready', async () => {
    const live = await request(http).get('/health/live').expect(200);
    const ready = await request(http).get('/health/ready').expect(200);
    const alias = await request(http).get('/health').expect(200);

    expect(live.body).toEqual({ status: 'ok', role: 'registry', nodeId: 'registry', details: {} });
    expect(ready.body).toEqual(live.body);
    expect(alias.body).toEqual(ready.body);
  });

  it('refuses /metrics without the cluster secret, with a JSON 401', async () => {
    const res = await request(http).get('/metrics').expect(401);
    expectErrorBody(res.body, 401);
    await request(http).get('/metrics').set('Authorization', 'Bearer wrong-secret-0123456789').expect(401);
  });

  it('counts heartbeats received and nodes by role and status, plus the process defaults', async () => {
    await request(http).post('/registry/nodes').set(auth).send({ id: 's1', role: 'storage', url: 'http://127.0.0.1:9' }).expect(201);
    await request(http).put('/registry/nodes/s1/heartbeat').set(auth).send({}).expect(200);
    await request(http).put('/registry/nodes/s1/heartbeat').set(auth).send({}).expect(200);
    await request(http).put('/registry/nodes/ghost/heartbeat').set(auth).send({}).expect(404);

    const text = await metricsOf(http);

    expect(sample(text, 'ddb_registry_heartbeats_received_total', { result: 'ok' })).toBe(2);
    expect(sample(text, 'ddb_registry_heartbeats_received_total', { result: 'unknown' })).toBe(1);
    expect(sample(text, 'ddb_registry_nodes', { role: 'storage', status: 'UP' })).toBe(1);
    expect(sample(text, 'ddb_registry_nodes', { role: 'storage', status: 'DOWN' })).toBe(0);
    expect(sample(text, 'process_cpu_user_seconds_total', { role: 'registry' })).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    // Requests by route pattern and status, never by the id in the path.
    expect(sample(text, 'ddb_http_requests_total', { method: 'PUT', route: '/registry/nodes/:id/heartbeat', status: '200' })).toBe(2);
    expect(sample(text, 'ddb_http_requests_total', { method: 'PUT', route: '/registry/nodes/:id/heartbeat', status: '404' })).toBe(1);
    expect(sample(text, 'ddb_http_request_duration_seconds_count', { route: '/registry/nodes/:id/heartbeat', status: '200' })).toBe(2);
    expect(text).not.toContain('ghost');
  });

  it('keeps a client X-Request-Id and answers with it; replaces one that is not printable', async () => {
    const kept = await request(http).get('/health/live').set('X-Request-Id', 'trace-42.a').expect(200);
    expect(kept.headers['x-request-id']).toBe('trace-42.a');

    const replaced = await request(http).get('/health/live').set('X-Request-Id', 'bad id\twith spaces').expect(200);
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const fresh = await request(http).get('/health/live').expect(200);
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('storage readiness (e2e)', () => {
  let registry: INestApplication;
  let registryUrl: string;
  let node: StorageNode | undefined;
  beforeAll(async () => {
    ({ app: registry } = await createTestApp({ ROLE: 'registry', ...FAST_CLUSTER_ENV }));
    await registry.listen(0, '127.0.0.1');
    registryUrl = `http://127.0.0.1:${((registry.getHttpServer() as Server).address() as AddressInfo).port}`;
  });
  afterEach(() => node?.close());
  afterAll(() => registry.close());

  it('is live at once, but ready only once the registry knows it; then its metrics show heartbeats and data', async () => {
    node = await startStorageNode('s1', { ...FAST_CLUSTER_ENV, REGISTRY_URL: registryUrl });

    await request(node.http).get('/health/live').expect(200);
    const notReady = await request(node.http).get('/health/ready').expect(503);
    expectErrorBody(notReady.body, 503, {
      status: 'error',
      role: 'storage',
      nodeId: 's1',
      details: { engine: { status: 'up' }, registered: { status: 'down' } },
    });
    expect(notReady.body.message).toBe('not ready: registered');
    await request(node.http).get('/health').expect(503);

    node.app.get(NodeIdentity).announce(node.url); // as main.ts does after listen: registration starts
    const http = node.http;
    await waitFor('storage ready', async () => (await request(http).get('/health/ready')).status === 200, { timeoutMs: 5000 });
    const ready = await request(http).get('/health').expect(200);
    expect(ready.body).toEqual({
      status: 'ok',
      role: 'storage',
      nodeId: 's1',
      details: { engine: { status: 'up' }, registered: { status: 'up' } },
    });

    await waitFor('a heartbeat sent', async () => (sample(await metricsOf(http), 'ddb_heartbeats_sent_total', { result: 'ok' }) ?? 0) >= 1, {
      timeoutMs: 5000,
    });
    const text = await metricsOf(http);
    expect(sample(text, 'ddb_registered')).toBe(1);
    expect(sample(text, 'ddb_storage_keys', { node: 's1' })).toBe(0);
    expect(sample(text, 'ddb_storage_bytes')).toBe(0);
    expect(sample(text, 'ddb_storage_partitions')).toBe(0);
    expect(sample(text, 'ddb_storage_capacity_bytes')).toBeGreaterThan(0);
  });
});

describe('leader readiness and metrics (e2e)', () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startCluster({ storageIds: ['s1', 's2'] });
  });
  afterAll(() => cluster.close());

  it('is ready with its table rebuilt and a storage node up', async () => {
    const res = await request(cluster.leader.http).get('/health/ready').expect(200);
    expect(res.body).toEqual({
      status: 'ok',
      role: 'leader',
      nodeId: 'leader',
      details: { partitionTable: { status: 'up' }, storageNode: { status: 'up' } },
    });
  });

  it('is not ready while it sees no storage node', async () => {
    const lonely = await startLeader(new FakeRegistry());
    try {
      const res = await request(lonely.http).get('/health').expect(503);
      expect(res.body.message).toBe('not ready: storageNode');
      expect(res.headers['retry-after']).toBe('1');
      await request(lonely.http).get('/health/live').expect(200);
    } finally {
      await lonely.close();
    }
  });

  it('shows partitions by state, key routes by pattern, and storage key counts', async () => {
    const keys = ['m/a', 'm/b', 'm/c', 'other'];
    for (const key of keys) await cluster.leader.kv.putOk(key, 'v');
    await cluster.leader.kv.getOk('m/a');

    const text = await metricsOf(cluster.leader.http);
    const view = await cluster.leader.kv.clusterOk();
    expect(sample(text, 'ddb_partitions', { state: 'healthy' })).toBe(view.partitions.length);
    expect(sample(text, 'ddb_partitions', { state: 'unplaced' })).toBe(view.unplaced.length);
    expect(sample(text, 'ddb_partitions', { state: 'unavailable' })).toBe(0);
    expect(sample(text, 'ddb_revision')).toBe(view.leader.revision);
    expect(sample(text, 'ddb_http_requests_total', { method: 'PUT', route: '/kv/*key', status: '201' })).toBe(4);
    expect(sample(text, 'ddb_http_requests_total', { method: 'GET', route: '/kv/*key', status: '200' })).toBe(1);
    expect(text).toContain('# TYPE ddb_replica_moves_total counter');

    let held = 0;
    for (const node of cluster.storage) held += sample(await metricsOf(node.http), 'ddb_storage_keys') ?? 0;
    expect(held).toBe(keys.length); // RF=1
  });
});
