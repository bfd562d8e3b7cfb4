import { planTombstones, type TombstoneSighting } from './tombstone-rule.js';

const t = (key: string, revision: number, deletedAt = 0): TombstoneSighting => ({ key, revision, deletedAt });
const TTL = 1000;

describe('planTombstones', () => {
  it('purges a tombstone every replica holds at the same revision once it is older than the TTL', () => {
    const sut = new Map([
      ['a', [t('k', 5, 100)]],
      ['b', [t('k', 5, 200)]],
      ['c', [t('k', 5, 150)]],
    ]);
    expect(planTombstones(sut, 1199, TTL)).toEqual({ purge: [], spread: [] });
    expect(planTombstones(sut, 1200, TTL)).toEqual({ purge: [{ key: 'k', revision: 5 }], spread: [] });
  });

  it('never purges while a replica lacks the tombstone: it is written there first', () => {
    const sut = new Map([
      ['a', [t('k', 5)]],
      ['b', [t('k', 5)]],
      ['c', [] as TombstoneSighting[]],
    ]);
    expect(planTombstones(sut, 1e9, TTL)).toEqual({ purge: [], spread: [{ key: 'k', revision: 5, to: ['c'] }] });
  });

  it('spreads the newest tombstone when replicas hold different ones, and purges nothing', () => {
    const sut = new Map([
      ['a', [t('k', 9)]],
      ['b', [t('k', 5)]],
    ]);
    expect(planTombstones(sut, 1e9, TTL)).toEqual({ purge: [], spread: [{ key: 'k', revision: 9, to: ['b'] }] });
  });
});
