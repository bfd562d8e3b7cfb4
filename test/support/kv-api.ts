import request from 'supertest';
import type { App } from 'supertest/types.js';
import type { ClusterViewDto } from '../../src/leader/dto/cluster.dto.js';
import type { KeyValueDto, ListResultDto, PutResultDto } from '../../src/leader/dto/kv.dto.js';

/** The URL path of a key: each '/'-separated segment percent-encoded, as a client would send it. */
export function kvPath(key: string): string {
  return `/kv/${key.split('/').map(encodeURIComponent).join('/')}`;
}

/**
 * The leader's public API as a client uses it. Raw builders return supertest requests (assert any
 * status); the *Ok helpers expect success and return typed bodies.
 */
export function kvApi(http: App, token?: string) {
  const withAuth = (req: request.Test): request.Test => (token ? req.set('Authorization', `Bearer ${token}`) : req);
  return {
    put: (key: string, value: unknown, headers: Record<string, string> = {}) =>
      withAuth(request(http).put(kvPath(key)).set(headers).send({ value })),
    putRaw: (path: string) => withAuth(request(http).put(path)),
    get: (key: string) => withAuth(request(http).get(kvPath(key))),
    getPath: (path: string) => withAuth(request(http).get(path)),
    delete: (key: string, headers: Record<string, string> = {}) =>
      withAuth(request(http).delete(kvPath(key)).set(headers)),
    list: (query: Record<string, string>) => withAuth(request(http).get('/kv').query(query)),
    cluster: () => withAuth(request(http).get('/cluster')),

    async putOk(key: string, value: string): Promise<PutResultDto> {
      const res = await withAuth(request(http).put(kvPath(key)).send({ value }));
      if (res.status !== 200 && res.status !== 201)
        throw new Error(`PUT ${key}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body as PutResultDto;
    },
    async getOk(key: string): Promise<KeyValueDto> {
      const res = await withAuth(request(http).get(kvPath(key))).expect(200);
      return res.body as KeyValueDto;
    },
    async listOk(query: Record<string, string>): Promise<ListResultDto> {
      const res = await withAuth(request(http).get('/kv').query(query)).expect(200);
      return res.body as ListResultDto;
    },
    async clusterOk(): Promise<ClusterViewDto> {
      const res = await withAuth(request(http).get('/cluster')).expect(200);
      return res.body as ClusterViewDto;
    },
  };
}

export type KvApi = ReturnType<typeof kvApi>;

/** Runs `work` over `items` with at most `parallel` in flight; results in input order. */
export async function inBatches<T, R>(
  items: readonly T[],
  parallel: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += parallel) {
    results.push(...(await Promise.all(items.slice(i, i + parallel).map(work))));
  }
  return results;
}
