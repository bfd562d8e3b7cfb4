import { BadRequestError } from './errors.js';

/** Mirrors the server's limit, so that an oversized key fails here with a clear message instead of a long URL. */
export const MAX_KEY_BYTES = 1024;
// The server's rule too: C0 and C1 controls and DEL are invisible, so no key may hold them.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * The URL path of a key: '/kv/' + the key as ONE path segment. encodeURIComponent escapes '/', and
 * '.' is escaped as %2E so that no segment is a bare '.' or '..'. The keys '.' and '..' themselves
 * cannot be sent at all: the WHATWG URL parser that fetch uses treats '%2E' and '%2E%2E' as dot
 * segments too and removes them (new URL('http://h/kv/%2E%2E').pathname is '/'), so they are refused here.
 */
export function keyPath(key: string): string {
  assertKeyShape(key, 'key');
  if (key === '.' || key === '..') {
    throw BadRequestError.local(`the key ${JSON.stringify(key)} cannot be addressed in a URL`);
  }
  return `/kv/${encodeURIComponent(key).replace(/\./g, '%2E')}`;
}

/** The rules a key (or a non-empty prefix, which travels in the query string) must keep. */
export function assertKeyShape(key: string, what: 'key' | 'prefix'): void {
  if (typeof key !== 'string' || key.length === 0) throw BadRequestError.local(`${what} must be a non-empty string`);
  if (!key.isWellFormed()) throw BadRequestError.local(`${what} is not valid UTF-8 (it contains a lone surrogate)`);
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes > MAX_KEY_BYTES) {
    throw BadRequestError.local(`${what} is ${bytes} bytes; the limit is ${MAX_KEY_BYTES} UTF-8 bytes`);
  }
  if (CONTROL.test(key)) throw BadRequestError.local(`${what} must not contain control characters`);
}
