import { DistributedDbClient } from './client.js';
import {
  BadRequestError,
  ConnectionError,
  DistributedDbError,
  NotFoundError,
  PreconditionFailedError,
  UnauthorizedError,
  UnavailableError,
} from './errors.js';
import { FakeLeader } from './testing/fake-leader.js';
import type { ListItem } from './types.js';

/** A port that was just free and is now closed: connecting to it is refused. */
async function closedPortUrl(): Promise<string> {
  const probe = await FakeLeader.start();
  const url = probe.url;
  await probe.close();
  return url;
}

function refusedError(): TypeError {
  return new TypeError('fetch failed', {
    cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
  });
}

describe(DistributedDbClient.name, () => {
  let leader: FakeLeader;
  let sut: DistributedDbClient;

  beforeEach(async () => {
    leader = await FakeLeader.start();
    sut = new DistributedDbClient({ url: leader.url, retryBaseDelayMs: 1, retryMaxDelayMs: 5 });
  });

  afterEach(async () => {
    await leader.close();
  });

  const requestsFor = (method: string): number => leader.requests.filter((r) => r.method === method).length;

  describe('reads and writes', () => {
    it('put creates, a second put replaces with a higher revision, get reads the latest', async () => {
      const first = await sut.put('users/42', '{"name":"Ada"}');
      const second = await sut.put('users/42', '{"name":"Grace"}');

      expect(first).toEqual({ key: 'users/42', revision: first.revision, created: true });
      expect(second.created).toBe(false);
      expect(second.revision).toBeGreaterThan(first.revision);
      expect(await sut.get('users/42')).toEqual({
        key: 'users/42',
        value: '{"name":"Grace"}',
        revision: second.revision,
      });
    });

    it('get of a missing key throws NotFoundError with the server message', async () => {
      const error = await sut.get('nope').catch((e: unknown) => e);

      expect(error).toBeInstanceOf(NotFoundError);
      expect(error).toMatchObject({ status: 404, message: 'key "nope" not found' });
    });

    it.each(['a/b/c', 'x/../y', '.hidden', 'a..b', 'sp ace?#&=+%', 'über/✓', 'trailing/', '...'])(
      'the key %j reaches the server as exactly that key',
      async (key) => {
        await sut.put(key, 'v');

        expect(leader.peek(key)?.value).toBe('v');
        expect((await sut.get(key)).value).toBe('v');
        expect((await sut.list()).items.map((i) => i.key)).toEqual([key]);
      },
    );

    it('escapes dots, so no path segment is "." or ".."', async () => {
      await sut.put('a/../b', 'v');

      expect(leader.requests[0].url).toBe('/kv/a%2F%2E%2E%2Fb');
    });

    it.each(['', '.', '..', 'bad\uD800surrogate', 'k'.repeat(1025)])(
      'refuses the key %j without a request',
      async (key) => {
        await expect(sut.put(key, 'v')).rejects.toBeInstanceOf(BadRequestError);
        await expect(sut.get(key)).rejects.toBeInstanceOf(BadRequestError);
        expect(leader.requests).toHaveLength(0);
      },
    );

    it('delete removes the key; deleting it again throws NotFoundError', async () => {
      await sut.put('k', 'v');

      await sut.delete('k');

      await expect(sut.get('k')).rejects.toBeInstanceOf(NotFoundError);
      await expect(sut.delete('k')).rejects.toBeInstanceOf(NotFoundError);
    });

    it('returns the cluster view as the leader sends it', async () => {
      leader.cluster = { ...leader.cluster, partitionCount: 8, replicationFactor: 2, unplaced: [7] };

      expect(await sut.cluster()).toEqual(leader.cluster);
    });

    it('keeps a path prefix of the base URL', async () => {
      const behindProxy = new DistributedDbClient({ url: `${leader.url}/`, retries: 0 });
      await behindProxy.put('k', 'v');

      expect(leader.requests[0].url).toBe('/kv/k');
    });

    it('rejects a base URL that is not http(s)', () => {
      expect(() => new DistributedDbClient({ url: 'ftp://example.com' })).toThrow(TypeError);
      expect(() => new DistributedDbClient({ url: 'localhost:4000' })).toThrow(TypeError);
    });
  });

  describe('conditional writes', () => {
    it('put with a stale ifMatch fails with the current revision and leaves the value alone', async () => {
      const { revision } = await sut.put('k', 'one');
      await sut.put('k', 'two');

      const error = await sut.put('k', 'three', { ifMatch: revision }).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(PreconditionFailedError);
      expect((error as PreconditionFailedError).currentRevision).toBe(revision + 1);
      expect((await sut.get('k')).value).toBe('two');
    });

    it('compareAndSet with null creates once, then reports the existing revision', async () => {
      const created = await sut.compareAndSet('lock', null, 'me');
      const error = await sut.compareAndSet('lock', null, 'you').catch((e: unknown) => e);

      expect(created.created).toBe(true);
      expect(error).toBeInstanceOf(PreconditionFailedError);
      expect((error as PreconditionFailedError).currentRevision).toBe(created.revision);
      expect((await sut.get('lock')).value).toBe('me');
    });

    it('compareAndSet with the current revision writes; ifMatch on a missing key reports null', async () => {
      const { revision } = await sut.put('k', 'one');

      const updated = await sut.compareAndSet('k', revision, 'two');
      const missing = await sut.compareAndSet('absent', 1, 'x').catch((e: unknown) => e);

      expect(updated).toEqual({ key: 'k', revision: updated.revision, created: false });
      expect((await sut.get('k')).value).toBe('two');
      expect((missing as PreconditionFailedError).currentRevision).toBeNull();
    });

    it('sends the conditions as If-Match: "<rev>" and If-None-Match: *', async () => {
      await sut.put('a', 'v', { ifNoneMatch: true });
      await sut.put('a', 'w', { ifMatch: 1 });

      expect(leader.requests[0].headers['if-none-match']).toBe('*');
      expect(leader.requests[1].headers['if-match']).toBe('"1"');
    });

    it('delete with a stale ifMatch fails and keeps the key', async () => {
      const { revision } = await sut.put('k', 'v');

      await expect(sut.delete('k', { ifMatch: revision + 5 })).rejects.toBeInstanceOf(PreconditionFailedError);
      await sut.delete('k', { ifMatch: revision });
      await expect(sut.get('k')).rejects.toBeInstanceOf(NotFoundError);
    });

    it('refuses contradictory or malformed conditions without a request', async () => {
      await expect(sut.put('k', 'v', { ifMatch: 1, ifNoneMatch: true })).rejects.toBeInstanceOf(BadRequestError);
      await expect(sut.put('k', 'v', { ifMatch: -1 })).rejects.toBeInstanceOf(BadRequestError);
      await expect(sut.delete('k', { ifMatch: 1.5 })).rejects.toBeInstanceOf(BadRequestError);
      expect(leader.requests).toHaveLength(0);
    });
  });

  describe('listing', () => {
    beforeEach(() => {
      for (const key of ['p/e', 'p/a', 'p/c', 'p/b', 'p/d', 'q/x']) leader.seed(key, `value of ${key}`);
    });

    it('list returns one page and a cursor that continues after it', async () => {
      const first = await sut.list({ prefix: 'p/', limit: 2 });
      const second = await sut.list({ prefix: 'p/', limit: 2, cursor: first.nextCursor ?? undefined });
      const last = await sut.list({ prefix: 'p/', limit: 2, cursor: second.nextCursor ?? undefined });

      expect(first.items.map((i) => i.key)).toEqual(['p/a', 'p/b']);
      expect(second.items.map((i) => i.key)).toEqual(['p/c', 'p/d']);
      expect(last).toEqual({ items: [{ key: 'p/e', revision: 1 }], nextCursor: null });
    });

    it('list includes values only when asked', async () => {
      const page = await sut.list({ prefix: 'q/', values: true });

      expect(page.items).toEqual([{ key: 'q/x', revision: 6, value: 'value of q/x' }]);
    });

    it('iterate walks every page in key order', async () => {
      const seen: ListItem[] = [];
      for await (const item of sut.iterate({ prefix: 'p/', pageSize: 2, values: true })) seen.push(item);

      expect(seen.map((i) => `${i.key}=${i.value}`)).toEqual([
        'p/a=value of p/a',
        'p/b=value of p/b',
        'p/c=value of p/c',
        'p/d=value of p/d',
        'p/e=value of p/e',
      ]);
      expect(requestsFor('GET')).toBe(3);
    });

    it('listPages yields one page per request, fetching the next only when the loop asks', async () => {
      const pages = sut.listPages({ prefix: 'p/', pageSize: 2 });

      const first = await pages.next();
      expect(requestsFor('GET')).toBe(1);
      const rest: string[][] = [];
      for await (const page of pages) rest.push(page.items.map((i) => i.key));

      expect(first.value).toMatchObject({ items: [{ key: 'p/a' }, { key: 'p/b' }] });
      expect(rest).toEqual([['p/c', 'p/d'], ['p/e']]);
      expect(requestsFor('GET')).toBe(3);
    });

    it('a prefix may be "." or "..": it travels in the query string, not the path', async () => {
      leader.seed('..x', 'v');
      leader.seed('.y', 'v');

      expect((await sut.list({ prefix: '.' })).items.map((i) => i.key)).toEqual(['..x', '.y']);
      expect((await sut.list({ prefix: '..' })).items.map((i) => i.key)).toEqual(['..x']);
    });

    it('iterate without a prefix sees every key', async () => {
      const keys: string[] = [];
      for await (const item of sut.iterate()) keys.push(item.key);

      expect(keys).toEqual(['p/a', 'p/b', 'p/c', 'p/d', 'p/e', 'q/x']);
    });

    it('a bad limit comes back as BadRequestError from the server', async () => {
      await expect(sut.list({ limit: 5000 })).rejects.toMatchObject({ status: 400, name: 'BadRequestError' });
    });
  });

  describe('authentication', () => {
    it('without the token every call fails with UnauthorizedError; with it the call works', async () => {
      const guarded = await FakeLeader.start({ token: 'secret-token' });
      try {
        const anonymous = new DistributedDbClient({ url: guarded.url });
        const authorised = new DistributedDbClient({ url: guarded.url, token: 'secret-token' });

        await expect(anonymous.put('k', 'v')).rejects.toBeInstanceOf(UnauthorizedError);
        await expect(anonymous.cluster()).rejects.toMatchObject({ status: 401 });
        expect((await authorised.put('k', 'v')).created).toBe(true);
        expect(guarded.requests.map((r) => r.headers.authorization)).toEqual([
          undefined,
          undefined,
          'Bearer secret-token',
        ]);
      } finally {
        await guarded.close();
      }
    });
  });

  describe('retries', () => {
    it('get retries a 503 and returns the value', async () => {
      leader.seed('k', 'v');
      leader.failNext({ status: 503, retryAfterSeconds: 1 }, { status: 503 });

      expect((await sut.get('k')).value).toBe('v');
      expect(requestsFor('GET')).toBe(3);
    });

    it('gives up after `retries` retries with the last UnavailableError', async () => {
      const client = new DistributedDbClient({ url: leader.url, retries: 2, retryBaseDelayMs: 1, retryMaxDelayMs: 5 });
      leader.failNext(
        ...Array.from({ length: 5 }, () => ({
          status: 503,
          message: 'partition 7 is unavailable',
          retryAfterSeconds: 2,
        })),
      );

      const error = await client.get('k').catch((e: unknown) => e);

      expect(error).toBeInstanceOf(UnavailableError);
      expect(error).toMatchObject({ message: 'partition 7 is unavailable', retryAfterMs: 2000 });
      expect(requestsFor('GET')).toBe(3);
    });

    it('an unconditional put is retried after a 503', async () => {
      leader.failNext({ status: 503 });

      const result = await sut.put('k', 'v');

      expect(result.created).toBe(true);
      expect(leader.peek('k')?.value).toBe('v');
      expect(requestsFor('PUT')).toBe(2);
    });

    it('a conditional put is not retried after a 503 (it may have been applied)', async () => {
      leader.failNext({ status: 503 });

      await expect(sut.put('k', 'v', { ifNoneMatch: true })).rejects.toBeInstanceOf(UnavailableError);
      expect(requestsFor('PUT')).toBe(1);
    });

    it.each([
      ['a conditional put', (c: DistributedDbClient) => c.put('k', 'v', { ifMatch: 1 })],
      ['an unconditional put', (c: DistributedDbClient) => c.put('k', 'v')],
      ['an unconditional delete', (c: DistributedDbClient) => c.delete('k')],
    ])('%s is not retried after a connection reset (unknown outcome)', async (_name, call) => {
      leader.failNext('reset');

      const error = await call(sut).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(ConnectionError);
      expect(error).toMatchObject({ code: 'ECONNRESET', mayHaveReachedServer: true, status: 0 });
      expect(leader.requests).toHaveLength(1);
    });

    it('a read is retried after a connection reset', async () => {
      leader.seed('k', 'v');
      leader.failNext('reset');

      expect((await sut.get('k')).value).toBe('v');
      expect(leader.requests).toHaveLength(2);
    });

    it('a read is retried after a timeout; a conditional write is not', async () => {
      const client = new DistributedDbClient({
        url: leader.url,
        timeoutMs: 50,
        retryBaseDelayMs: 1,
        retryMaxDelayMs: 5,
      });
      leader.seed('k', 'v');
      leader.failNext('hang');
      expect((await client.get('k')).value).toBe('v');

      leader.failNext('hang');
      const error = await client.compareAndSet('k', 1, 'w').catch((e: unknown) => e);

      expect(error).toMatchObject({ name: 'ConnectionError', code: 'ETIMEDOUT', mayHaveReachedServer: true });
      expect(requestsFor('PUT')).toBe(1);
      expect(leader.peek('k')?.value).toBe('v');
    });

    it('a conditional put is retried when the connection was refused (it never reached the server)', async () => {
      let calls = 0;
      const flaky: typeof fetch = async (input, init) => {
        calls += 1;
        if (calls === 1) throw refusedError();
        return fetch(input, init);
      };
      const client = new DistributedDbClient({
        url: leader.url,
        fetch: flaky,
        retryBaseDelayMs: 1,
        retryMaxDelayMs: 5,
      });

      const result = await client.compareAndSet('k', null, 'v');

      expect(result).toEqual({ key: 'k', revision: 1, created: true });
      expect(calls).toBe(2);
      expect(requestsFor('PUT')).toBe(1);
    });

    it('a leader that is down fails with ECONNREFUSED after every retry', async () => {
      let calls = 0;
      const counting: typeof fetch = (input, init) => {
        calls += 1;
        return fetch(input, init);
      };
      const client = new DistributedDbClient({
        url: await closedPortUrl(),
        fetch: counting,
        retries: 3,
        retryBaseDelayMs: 1,
        retryMaxDelayMs: 5,
      });

      const error = await client.cluster().catch((e: unknown) => e);

      expect(error).toBeInstanceOf(ConnectionError);
      expect(error).toMatchObject({ code: 'ECONNREFUSED', mayHaveReachedServer: false });
      expect((error as Error).message).toMatch(/^cannot reach http:\/\/127\.0\.0\.1:\d+: connect ECONNREFUSED/);
      expect(calls).toBe(4);
    });

    it('a 4xx is never retried', async () => {
      await expect(sut.get('missing')).rejects.toBeInstanceOf(NotFoundError);
      expect(leader.requests).toHaveLength(1);
    });
  });

  describe('unexpected answers', () => {
    it('an error page that is not JSON becomes a DistributedDbError with its status and text', async () => {
      const proxy: typeof fetch = () =>
        Promise.resolve(new Response('<html><body>Bad gateway</body></html>', { status: 502 }));
      const client = new DistributedDbClient({ url: 'http://127.0.0.1:9', fetch: proxy, retries: 0 });

      const error = await client.get('k').catch((e: unknown) => e);

      expect(error).toBeInstanceOf(DistributedDbError);
      expect(error).toMatchObject({ status: 502, message: 'HTTP 502: <html><body>Bad gateway</body></html>' });
      expect((error as DistributedDbError).body).toMatchObject({ statusCode: 502, error: 'Bad Gateway' });
    });
  });
});
