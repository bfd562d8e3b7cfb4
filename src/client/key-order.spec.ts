import { commonPrefix, compareKeys } from './key-order.js';

describe(compareKeys.name, () => {
  it('orders by UTF-8 bytes, like the listing', () => {
    const keys = ['a/2', '\u{1F600}', 'a/10', '\uFF01', 'a/1', 'a/Z', 'a/ü', 'a'];

    expect([...keys].sort(compareKeys)).toEqual(['a', 'a/1', 'a/10', 'a/2', 'a/Z', 'a/ü', '\uFF01', '\u{1F600}']);
  });

  it('is 0 for equal keys only', () => {
    expect(compareKeys('k', 'k')).toBe(0);
    expect(compareKeys('k', 'k ')).toBeLessThan(0);
  });
});

describe(commonPrefix.name, () => {
  it.each([
    ['users/1', 'users/20', 'users/'],
    ['abc', 'abc', 'abc'],
    ['abc', 'xyz', ''],
    ['', 'abc', ''],
    // U+1F600 and U+1F601 share their high surrogate: cutting there would leave a lone surrogate.
    ['x\u{1F600}', 'x\u{1F601}', 'x'],
  ])('of %j and %j is %j', (a, b, prefix) => {
    expect(commonPrefix(a, b)).toBe(prefix);
  });
});
