import { InvalidInputError, PayloadTooLargeError } from './errors.js';

export const MAX_KEY_BYTES = 1024;
// C0 controls and DEL; C1 controls (U+0080–U+009F) as well, since they are invisible too.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** A key is 1..1024 UTF-8 bytes, may contain '/', and has no control characters. */
export function assertValidKey(key: unknown, what = 'key'): asserts key is string {
  if (typeof key !== 'string' || key.length === 0) throw new InvalidInputError(`${what} must not be empty`);
  if (!key.isWellFormed()) throw new InvalidInputError(`${what} is not valid UTF-8`);
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes > MAX_KEY_BYTES) {
    throw new InvalidInputError(`${what} is ${bytes} bytes; the limit is ${MAX_KEY_BYTES} UTF-8 bytes`);
  }
  if (CONTROL.test(key)) throw new InvalidInputError(`${what} must not contain control characters`);
  // URL parsers (fetch, curl, proxies) collapse a path segment of "." or "..", so such a key could
  // be written by one client and never read by another.
  if (what === 'key' && (key === '.' || key === '..')) throw new InvalidInputError(`key must not be "." or ".."`);
}

/** A prefix may be empty; otherwise the same rules as a key. */
export function assertValidPrefix(prefix: string): void {
  if (prefix !== '') assertValidKey(prefix, 'prefix');
}

export function assertValidValue(value: unknown, maxBytes: number): asserts value is string {
  if (typeof value !== 'string') throw new InvalidInputError('value must be a string');
  if (!value.isWellFormed()) throw new InvalidInputError('value is not valid UTF-8 (lone surrogate)');
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > maxBytes) {
    throw new PayloadTooLargeError(`value is ${bytes} bytes; the limit is MAX_VALUE_BYTES=${maxBytes}`);
  }
}
