import { mergePages } from './merge-pages.js';

describe('mergePages', () => {
  it('keeps the highest revision of each key, from whichever replica has it', () => {
    const { items, boundary } = mergePages([
      {
        items: [
          { key: 'a', revision: 1, value: 'old' },
          { key: 'b', revision: 4, value: 'b' },
        ],
        more: false,
      },
      { items: [{ key: 'a', revision: 3, value: 'new' }], more: false },
    ]);
    expect(items).toEqual([
      { key: 'a', revision: 3, value: 'new' },
      { key: 'b', revision: 4, value: 'b' },
    ]);
    expect(boundary).toBeUndefined();
  });

  it('hides a key whose newest record is a tombstone, even if another replica still has the value', () => {
    const { items } = mergePages([
      { items: [{ key: 'a', revision: 5, value: null }], more: false },
      { items: [{ key: 'a', revision: 2, value: 'stale' }], more: false },
    ]);
    expect(items).toEqual([]);
  });

  it('stops at the smallest last key of a page that has more, so no key can be skipped', () => {
    const { items, boundary } = mergePages([
      {
        items: [
          { key: 'a', revision: 1, value: 'x' },
          { key: 'c', revision: 1, value: 'x' },
        ],
        more: true,
      },
      {
        items: [
          { key: 'b', revision: 1, value: 'x' },
          { key: 'd', revision: 1, value: 'x' },
          { key: 'e', revision: 1, value: 'x' },
        ],
        more: false,
      },
    ]);
    expect(items.map((i) => i.key)).toEqual(['a', 'b', 'c']);
    expect(boundary).toBe('c');
  });
});
