import { partitionOf, stableHash } from './hash.js';

describe('stableHash', () => {
  // Pinned vectors: changing the hash would move every stored key to another partition.
  it.each([
    ['', 2872998923],
    ['a', 444641715],
    ['users/42', 3150901823],
    ['über', 4246138316],
    ['✓ sp', 4218708703],
    ['key-0', 4105692849],
  ])('hashes %j to %d', (key, expected) => {
    expect(stableHash(key)).toBe(expected);
  });

  it('maps keys to partitions with stableHash mod P', () => {
    expect(partitionOf('users/42', 64)).toBe(3150901823 % 64);
    expect(partitionOf('a', 7)).toBe(444641715 % 7);
  });

  it('spreads sequential keys evenly over 64 partitions (within ±10% of the mean)', () => {
    const counts = new Array<number>(64).fill(0);
    for (let i = 0; i < 64_000; i++) counts[partitionOf(`key-${i}`, 64)]++;
    expect(Math.min(...counts)).toBeGreaterThan(900);
    expect(Math.max(...counts)).toBeLessThan(1100);
  });
});
