import { holdsValue, MergeJoin } from './merge-join.js';
import type { ListItem } from './types.js';

/** A target listing over `keys` that counts how many items were pulled. */
function listing(keys: string[]): { iterator: AsyncIterator<ListItem>; pulled: () => number; closed: () => boolean } {
  let pulled = 0;
  let closed = false;
  async function* walk(): AsyncGenerator<ListItem> {
    try {
      for (const key of keys) {
        pulled++;
        yield { key, revision: 100 + pulled, value: `target ${key}` };
      }
    } finally {
      closed = true;
    }
  }
  return { iterator: walk(), pulled: () => pulled, closed: () => closed };
}

describe(MergeJoin.name, () => {
  it('answers keys in order from one forward walk: present with its value, or absent', async () => {
    const target = listing(['a', 'c', 'd', 'f']);
    const sut = new MergeJoin(target.iterator);

    expect(await sut.lookup('a')).toEqual({ known: true, current: { key: 'a', revision: 101, value: 'target a' } });
    expect(await sut.lookup('b')).toEqual({ known: true, current: null });
    expect(await sut.lookup('d')).toMatchObject({ known: true, current: { key: 'd' } });
    expect(await sut.lookup('e')).toEqual({ known: true, current: null });
    expect(await sut.lookup('g')).toEqual({ known: true, current: null });
    expect(await sut.lookup('h')).toEqual({ known: true, current: null });
    expect(target.pulled()).toBe(4);
  });

  it('reads no further into the listing than the key asked for', async () => {
    const target = listing(['a', 'b', 'c', 'd']);
    const sut = new MergeJoin(target.iterator);

    await sut.lookup('b');

    expect(target.pulled()).toBe(2);
  });

  it('compares in UTF-8 byte order, the order of the listing', async () => {
    const sut = new MergeJoin(listing(['\uFF01', '\u{1F600}']).iterator);

    expect(await sut.lookup('\uFF01')).toMatchObject({ known: true, current: { key: '\uFF01' } });
    expect(await sut.lookup('\u{1F600}')).toMatchObject({ known: true, current: { key: '\u{1F600}' } });
  });

  it('says "unknown" for a key out of order or repeated, and keeps walking for later keys', async () => {
    const sut = new MergeJoin(listing(['b', 'd', 'f']).iterator);

    expect(await sut.lookup('d')).toMatchObject({ known: true, current: { key: 'd' } });
    expect(await sut.lookup('b')).toEqual({ known: false });
    expect(await sut.lookup('d')).toEqual({ known: false });
    expect(await sut.lookup('f')).toMatchObject({ known: true, current: { key: 'f' } });
  });

  it('says "unknown" for a key outside the prefix the listing covers', async () => {
    const sut = new MergeJoin(listing(['p/a']).iterator, 'p/');

    expect(await sut.lookup('o')).toEqual({ known: false });
    expect(await sut.lookup('p/a')).toMatchObject({ known: true, current: { key: 'p/a' } });
  });

  it('close() ends the listing early', async () => {
    const target = listing(['a', 'b', 'c']);
    const sut = new MergeJoin(target.iterator);
    await sut.lookup('a');

    await sut.close();

    expect(target.closed()).toBe(true);
  });
});

describe(holdsValue.name, () => {
  it('is true only when the target has the key with exactly that value', () => {
    expect(holdsValue({ value: 'v' }, 'v')).toBe(true);
    expect(holdsValue({ value: 'v ' }, 'v')).toBe(false);
    expect(holdsValue(null, 'v')).toBe(false);
  });
});
