import { PartitionTable } from './partition-table.js';

describe(PartitionTable.name, () => {
  it('starts with every partition unplaced', () => {
    const sut = new PartitionTable(4);
    expect(sut.unplaced()).toEqual([0, 1, 2, 3]);
    expect(sut.placed()).toEqual([]);
  });

  it('keeps the claim with the highest epoch, whatever order claims arrive in', () => {
    const sut = new PartitionTable(4);
    expect(sut.offer(1, { epoch: 5, replicas: ['b'] })).toBe(true);
    expect(sut.offer(1, { epoch: 3, replicas: ['a'] })).toBe(false);
    expect(sut.offer(1, { epoch: 5, replicas: ['c'] })).toBe(false);
    expect(sut.get(1)).toEqual({ epoch: 5, replicas: ['b'], learners: [] });
    expect(sut.offer(1, { epoch: 9, replicas: ['c'] })).toBe(true);
    expect(sut.get(1)?.replicas).toEqual(['c']);
  });

  it('ignores claims without an epoch, without replicas, or out of range', () => {
    const sut = new PartitionTable(4);
    expect(sut.offer(0, { epoch: 0, replicas: ['a'] })).toBe(false);
    expect(sut.offer(0, { epoch: 1, replicas: [] })).toBe(false);
    expect(sut.offer(4, { epoch: 1, replicas: ['a'] })).toBe(false);
    expect(sut.unplaced()).toHaveLength(4);
  });

  it('counts partitions per node', () => {
    const sut = new PartitionTable(4);
    sut.offer(0, { epoch: 1, replicas: ['a'] });
    sut.offer(1, { epoch: 2, replicas: ['a', 'b'] });
    expect(sut.countsByNode()).toEqual(new Map([['a', 2], ['b', 1]]));
    expect(sut.unplaced()).toEqual([2, 3]);
  });
});
