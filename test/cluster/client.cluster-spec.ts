import {
  ConnectionError,
  DistributedDbClient,
  NotFoundError,
  PreconditionFailedError,
  UnauthorizedError,
  UnavailableError,
  type DistributedDbClientOptions,
} from '../../src/client/index.js';
import { partitionOf } from '../../src/common/hash.js';
import type { TestCluster } from '../support/cluster.js';
import { CLIENT_CLUSTER_ENV, itWithNodeLogs, startClientCluster, waitUntilReady } from '../support/client-cluster.js';
import { inPool } from '../support/kv-http.js';
import { waitFor } from '../support/poll.js';

// The SDK against real processes: every call, the token, and retries through real outages.
const TOKEN = 'sdk-cluster-token';
const PARTITIONS = Number(CLIENT_CLUSTER_ENV.PARTITIONS);

/** A client whose every HTTP attempt is recorded: the status, or the connection error's code. */
function recordingClient(url: string, options: Partial<DistributedDbClientOptions> = {}) {
  const attempts: string[] = [];
  const recording: typeof fetch = async (input, init) => {
    try {
      const response = await fetch(input, init);
      attempts.push(String(response.status));
      return response;
    } catch (error) {
      const { cause, name } = error as { cause?: { code?: string }; name?: string };
      attempts.push(name === 'TimeoutError' ? 'timeout' : (cause?.code ?? String(name)));
      throw error;
    }
  };
  const client = new DistributedDbClient({ url, token: TOKEN, fetch: recording, retries: 60, retryBaseDelayMs: 50, retryMaxDelayMs: 500, ...options });
  return { client, attempts };
}

describe('DistributedDbClient against a real cluster', () => {
  let cluster: TestCluster;
  let sdk: DistributedDbClient;
  const scenario = itWithNodeLogs(() => [cluster]);

  beforeAll(async () => {
    cluster = await startClientCluster('sdk', 2, { API_TOKEN: TOKEN });
    sdk = new DistributedDbClient({ url: cluster.leader.url, token: TOKEN });
  }, 180_000);

  afterAll(async () => {
    await cluster?.stopAll();
  });


  /** The storage node holding the key's partition (written first, so that it is placed). */
  async function ownerOf(key: string): Promise<string> {
    const partition = partitionOf(key, PARTITIONS);
    const placed = (await sdk.cluster()).partitions.find((p) => p.partition === partition);
    if (!placed) throw new Error(`partition ${partition} of ${key} is not placed`);
    return placed.replicas[0];
  }

  /** Another key in the same partition as `key`. */
  function siblingOf(key: string): string {
    for (let i = 0; ; i++) {
      const candidate = `${key}/sibling-${i}`;
      if (partitionOf(candidate, PARTITIONS) === partitionOf(key, PARTITIONS)) return candidate;
    }
  }

  describe('every call', () => {
    scenario('put creates then replaces, get reads the latest; a missing key is NotFoundError', async () => {
      const created = await sdk.put('calls/user', '{"name":"Ada"}');
      const replaced = await sdk.put('calls/user', '{"name":"Grace"}');

      expect(created).toEqual({ key: 'calls/user', revision: expect.any(Number), created: true });
      expect(replaced.created).toBe(false);
      expect(replaced.revision).toBeGreaterThan(created.revision);
      expect(await sdk.get('calls/user')).toEqual({ key: 'calls/user', value: '{"name":"Grace"}', revision: replaced.revision });
      await expect(sdk.get('calls/nobody')).rejects.toThrow(new NotFoundError({ statusCode: 404, error: 'Not Found', message: 'key "calls/nobody" not found' }));
    });

    scenario('compareAndSet writes only at the expected revision, or only if absent; a conflict names the current revision', async () => {
      const first = await sdk.compareAndSet('calls/counter', null, '1');
      const second = await sdk.compareAndSet('calls/counter', first.revision, '2');
      const stale = await sdk.compareAndSet('calls/counter', first.revision, '3').catch((e: unknown) => e);
      const exists = await sdk.compareAndSet('calls/counter', null, '4').catch((e: unknown) => e);

      expect(first.created).toBe(true);
      expect(second).toMatchObject({ created: false, revision: expect.any(Number) });
      expect(stale).toBeInstanceOf(PreconditionFailedError);
      expect(stale).toMatchObject({ status: 412, currentRevision: second.revision });
      expect(exists).toMatchObject({ name: 'PreconditionFailedError', currentRevision: second.revision });
      expect(await sdk.get('calls/counter')).toMatchObject({ value: '2', revision: second.revision });
    });

    scenario('put with ifMatch / ifNoneMatch, as compareAndSet does', async () => {
      const { revision } = await sdk.put('calls/conditional', 'a', { ifNoneMatch: true });

      await expect(sdk.put('calls/conditional', 'b', { ifNoneMatch: true })).rejects.toBeInstanceOf(PreconditionFailedError);
      expect(await sdk.put('calls/conditional', 'c', { ifMatch: revision })).toMatchObject({ created: false });
      expect((await sdk.get('calls/conditional')).value).toBe('c');
    });

    scenario('delete with a stale ifMatch is refused and keeps the key; delete removes it; again is NotFoundError', async () => {
      const { revision } = await sdk.put('calls/doomed', 'v');

      await expect(sdk.delete('calls/doomed', { ifMatch: revision + 1000 })).rejects.toMatchObject({ status: 412, currentRevision: revision });
      expect((await sdk.get('calls/doomed')).value).toBe('v');
      await sdk.delete('calls/doomed', { ifMatch: revision });
      await expect(sdk.get('calls/doomed')).rejects.toBeInstanceOf(NotFoundError);
      await expect(sdk.delete('calls/doomed')).rejects.toBeInstanceOf(NotFoundError);
    });

    scenario('list pages with a cursor; listPages and iterate walk every page in key order, values included', async () => {
      const keys = Array.from({ length: 250 }, (_, i) => `pages/${String(i).padStart(3, '0')}`);
      await inPool(keys, 32, (key) => sdk.put(key, `value of ${key}`));

      const first = await sdk.list({ prefix: 'pages/', limit: 100 });
      const second = await sdk.list({ prefix: 'pages/', limit: 100, cursor: first.nextCursor ?? undefined });
      const pageSizes: number[] = [];
      for await (const page of sdk.listPages({ prefix: 'pages/', pageSize: 100 })) pageSizes.push(page.items.length);
      const iterated: string[] = [];
      for await (const item of sdk.iterate({ prefix: 'pages/', pageSize: 70, values: true })) iterated.push(`${item.key}=${item.value}`);

      expect(first.items.map((i) => i.key)).toEqual(keys.slice(0, 100));
      expect(second.items.map((i) => i.key)).toEqual(keys.slice(100, 200));
      expect(first.items[0]).toEqual({ key: 'pages/000', revision: expect.any(Number) });
      expect(pageSizes).toEqual([100, 100, 50]);
      expect(iterated).toEqual(keys.map((key) => `${key}=value of ${key}`));
    }, 30_000);

    scenario('cluster() shows a ready leader, both storage nodes UP, and where each written partition lives', async () => {
      const view = await sdk.cluster();

      expect(view.leader).toMatchObject({ id: 'sdk-leader', ready: true });
      expect(view).toMatchObject({ partitionCount: PARTITIONS, replicationFactor: 1 });
      expect(view.nodes.filter((n) => n.role === 'storage').map((n) => [n.id, n.status]).sort()).toEqual([
        ['sdk-storage-1', 'UP'],
        ['sdk-storage-2', 'UP'],
      ]);
      expect(view.partitions.length).toBeGreaterThan(0);
      for (const p of view.partitions) expect(p.replicas).toHaveLength(1);
    });

    scenario('without the token, or with a wrong one, calls are UnauthorizedError and change nothing', async () => {
      const anonymous = new DistributedDbClient({ url: cluster.leader.url });
      const wrong = new DistributedDbClient({ url: cluster.leader.url, token: 'not-the-token' });

      await expect(anonymous.get('calls/user')).rejects.toBeInstanceOf(UnauthorizedError);
      await expect(anonymous.cluster()).rejects.toMatchObject({ status: 401 });
      await expect(wrong.put('calls/user', 'overwritten')).rejects.toBeInstanceOf(UnauthorizedError);
      expect((await sdk.get('calls/user')).value).toBe('{"name":"Grace"}');
    });
  });

  describe('retries through real outages', () => {
    scenario('a get and a put ride out a leader that is killed and started again', async () => {
      await sdk.put('outage/read', 'before');
      const { client, attempts } = recordingClient(cluster.leader.url);
      await cluster.leader.stop('SIGKILL');

      const get = client.get('outage/read');
      const put = client.put('outage/write', 'during');
      await waitFor('4 refused attempts', () => attempts.filter((a) => a === 'ECONNREFUSED').length >= 4);
      await cluster.leader.start();

      expect(await get).toMatchObject({ value: 'before' });
      expect(await put).toMatchObject({ created: true });
      expect(attempts.slice(0, 4)).toEqual(['ECONNREFUSED', 'ECONNREFUSED', 'ECONNREFUSED', 'ECONNREFUSED']);
      expect((await sdk.get('outage/write')).value).toBe('during');
    }, 60_000);

    scenario("503s while the key's only storage node restarts: a get and a put are retried, and so is a compare-and-set whose read failed (nothing applied)", async () => {
      const { revision } = await sdk.put('outage/stored', 'v1');
      // Written by the put below, read by the get: a key of the same partition, so on the same node.
      const sibling = siblingOf('outage/stored');
      await sdk.put(sibling, 'w1');
      const owner = cluster.node(await ownerOf('outage/stored'));
      const { client, attempts } = recordingClient(cluster.leader.url);
      // Few retries: this one is to give up while the node is still down.
      const cas = recordingClient(cluster.leader.url, { retries: 2 });
      await owner.stop('SIGKILL');

      try {
        const casError = await cas.client.compareAndSet('outage/stored', revision, 'cas').catch((e: unknown) => e);
        const get = client.get('outage/stored');
        const put = client.put(sibling, 'w2');
        await waitFor('two 503 answers', () => attempts.filter((a) => a === '503').length >= 2, { timeoutMs: 10_000 });
        await owner.start();

        // Its read of the key failed, so the leader wrote nothing and said so: repeating it is safe.
        expect(casError).toBeInstanceOf(UnavailableError);
        expect((casError as UnavailableError).outcome).toBe('not-applied');
        expect(cas.attempts).toEqual(['503', '503', '503']);
        const [read, written] = await Promise.all([get, put]);
        expect(read).toEqual({ key: 'outage/stored', value: 'v1', revision });
        expect(written).toMatchObject({ created: false });
        expect(await sdk.get(sibling)).toMatchObject({ value: 'w2', revision: written.revision });
      } finally {
        if (!owner.running) await owner.start();
        await waitUntilReady(cluster, 2, TOKEN);
      }
    }, 60_000);

    scenario('a hung leader (SIGSTOP): a get is retried after each timeout; a compare-and-set times out once and is not retried', async () => {
      const { revision } = await sdk.put('hang/cas', 'before');
      await sdk.put('hang/read', 'still here');
      const reader = recordingClient(cluster.leader.url, { timeoutMs: 400 });
      const writer = recordingClient(cluster.leader.url, { timeoutMs: 400 });
      cluster.leader.signal('SIGSTOP');
      try {
        const get = reader.client.get('hang/read');
        const casError = await writer.client.compareAndSet('hang/cas', revision, 'after').catch((e: unknown) => e);
        await waitFor('two timed-out reads', () => reader.attempts.filter((a) => a === 'timeout').length >= 2, { timeoutMs: 10_000 });
        cluster.leader.signal('SIGCONT');

        expect(casError).toBeInstanceOf(ConnectionError);
        expect(casError).toMatchObject({ code: 'ETIMEDOUT', mayHaveReachedServer: true });
        expect(writer.attempts).toEqual(['timeout']);
        expect((await get).value).toBe('still here');
        // The one attempt reached the leader and was applied once it woke: a retry would have
        // answered 412 and reported a conflict for a write that succeeded.
        const applied = await waitFor('the timed-out compare-and-set to be applied', async () => {
          const entry = await sdk.get('hang/cas');
          return entry.value === 'after' && entry;
        }, { timeoutMs: 10_000 });
        expect(applied.revision).toBeGreaterThan(revision);
      } finally {
        cluster.leader.signal('SIGCONT');
      }
    }, 60_000);
  });
});
