/**
 * What the load generator sends. Two dialects of the same two operations: "kv" is distributed-db's
 * public API (the ceiling app speaks it too), "etcd" is etcd's v3 JSON gateway. Every request
 * picks its key uniformly at random from a key space, so caches see the same spread everywhere.
 */
import type autocannon from 'autocannon';
import { keyPath } from '../src/client/key-path.js';

export type Operation = 'get' | 'put' | 'mix';

/** Keys `${prefix}0` … `${prefix}${count - 1}`. */
export interface KeySpace {
  readonly prefix: string;
  readonly count: number;
}

export const keyAt = (space: KeySpace, index: number): string => `${space.prefix}${index}`;

/** A value of exactly `bytes` ASCII bytes. */
export const valueOf = (bytes: number): string => 'v'.repeat(bytes);

export interface Dialect {
  readonly name: 'kv' | 'etcd';
  get(key: string): autocannon.Request;
  /** `value` as prepareValue returned it, so the per-request work is only the key. */
  put(key: string, value: string): autocannon.Request;
  prepareValue(value: string): string;
  /** For a 2xx read: did it carry a value? (etcd answers 200 with no kvs for a missing key.) */
  readonly found?: (body: string) => boolean;
}

/** A fresh object each time: autocannon writes Content-Length into the headers it is given. */
const jsonHeaders = (): Record<string, string> => ({ 'content-type': 'application/json' });

export const kvDialect: Dialect = {
  name: 'kv',
  get: (key) => ({ method: 'GET', path: keyPath(key), headers: {} }),
  put: (key, body) => ({ method: 'PUT', path: keyPath(key), headers: jsonHeaders(), body }),
  prepareValue: (value) => JSON.stringify({ value }),
};

const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

export const etcdDialect: Dialect = {
  name: 'etcd',
  // serializable defaults to false: a linearizable read, through the leader's read index.
  get: (key) => ({ method: 'POST', path: '/v3/kv/range', headers: jsonHeaders(), body: `{"key":"${base64(key)}"}` }),
  put: (key, value64) => ({
    method: 'POST',
    path: '/v3/kv/put',
    headers: jsonHeaders(),
    body: `{"key":"${base64(key)}","value":"${value64}"}`,
  }),
  prepareValue: base64,
  found: (body) => body.includes('"kvs"'),
};

export interface Workload {
  readonly requests: autocannon.Request[];
  /** Reads answered 2xx without the value, so far (only counted where the dialect can tell). */
  missing(): number;
}

/**
 * One autocannon request whose setupRequest draws a fresh key (and, for 'mix', a fresh
 * operation: a read with probability readShare) before every send.
 */
export function workload(dialect: Dialect, operation: Operation, space: KeySpace, value: string, readShare = 0.9): Workload {
  const prepared = dialect.prepareValue(value);
  let missing = 0;
  const found = dialect.found;
  const randomKey = (): string => keyAt(space, Math.floor(Math.random() * space.count));
  const request: autocannon.Request = {
    setupRequest: (_request, context) => {
      const read = operation === 'get' || (operation === 'mix' && Math.random() < readShare);
      context.read = read;
      return read ? dialect.get(randomKey()) : dialect.put(randomKey(), prepared);
    },
  };
  if (found) {
    request.onResponse = (status, body, context) => {
      if (context.read === true && status >= 200 && status < 300 && !found(String(body))) missing += 1;
    };
  }
  return { requests: [request], missing: () => missing };
}
