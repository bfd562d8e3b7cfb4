import { InvalidInputError, PayloadTooLargeError } from './errors.js';
import { assertValidKey, assertValidValue } from './keys.js';

describe('key and value rules', () => {
  it.each(['a', 'users/42', 'x/', 'über/✓ sp', 'a'.repeat(1024), 'é'.repeat(512)])('accepts the key %#', (key) => {
    expect(() => assertValidKey(key)).not.toThrow();
  });

  it.each([
    ['empty', ''],
    ['1025 bytes', 'a'.repeat(1025)],
    ['513 two-byte characters', 'é'.repeat(513)],
    ['a newline', 'a\nb'],
    ['a NUL', 'a\u0000b'],
    ['DEL', 'a\u007f'],
    ['a lone surrogate', 'a\ud800'],
    ['only a dot', '.'],
    ['only two dots', '..'],
  ])('rejects a key with %s', (_, key) => {
    expect(() => assertValidKey(key)).toThrow(InvalidInputError);
  });

  it('limits values by UTF-8 bytes, with 413 past the limit', () => {
    expect(() => assertValidValue('ü'.repeat(5), 10)).not.toThrow();
    expect(() => assertValidValue('ü'.repeat(6), 10)).toThrow(PayloadTooLargeError);
    expect(() => assertValidValue(42, 10)).toThrow(InvalidInputError);
  });
});
