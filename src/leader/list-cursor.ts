import { InvalidInputError } from '../common/errors.js';
import { assertValidKey } from '../common/keys.js';

/** A listing cursor is the last key of the previous page, base64url-encoded (opaque to clients). */
export function encodeCursor(lastKey: string): string {
  return Buffer.from(lastKey, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const key = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  try {
    assertValidKey(key, 'cursor');
  } catch {
    throw new InvalidInputError('cursor is not a cursor this API returned');
  }
  return key;
}
