import { BadRequestError } from './errors.js';
import { keyPath } from './key-path.js';

describe(keyPath.name, () => {
  it.each([
    ['users/42', '/kv/users%2F42'],
    ['a/../b', '/kv/a%2F%2E%2E%2Fb'],
    ['...', '/kv/%2E%2E%2E'],
    ['v1.2', '/kv/v1%2E2'],
    ['sp ace?#%', '/kv/sp%20ace%3F%23%25'],
    ['über', '/kv/%C3%BCber'],
  ])('puts %j in the URL as %s', (key, path) => {
    expect(keyPath(key)).toBe(path);
  });

  it('gives a path that a URL parser keeps as it is', () => {
    for (const key of ['a/..', '../a', './x', 'x/.', '...']) {
      expect(new URL(`http://h${keyPath(key)}`).pathname).toBe(keyPath(key));
    }
  });

  it.each([
    ['', 'key must be a non-empty string'],
    ['.', 'the key "." cannot be addressed in a URL'],
    ['..', 'the key ".." cannot be addressed in a URL'],
    ['\uDC00', 'key is not valid UTF-8 (it contains a lone surrogate)'],
    ['ü'.repeat(513), 'key is 1026 bytes; the limit is 1024 UTF-8 bytes'],
    ['tab\there', 'key must not contain control characters'],
  ])('refuses %j: %s', (key, message) => {
    expect(() => keyPath(key)).toThrow(new BadRequestError(message, 400, null));
  });
});
