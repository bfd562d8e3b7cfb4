import { jest } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LmdbEngine } from './lmdb-engine.js';
import { MemoryEngine } from './memory-engine.js';
import type { ScanRequest, StorageEngine } from './storage-engine.js';

// One contract, two engines: both must keep the same Versioned Value rules.
describe.each([
  ['MemoryEngine', () => ({ engine: new MemoryEngine() as StorageEngine, dir: undefined as string | undefined })],
  [
    'LmdbEngine',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'ddb-engine-'));
      return { engine: new LmdbEngine(dir) as StorageEngine, dir };
    },
  ],
])('%s', (_, make) => {
  let sut: StorageEngine;
  let dir: string | undefined;

  beforeEach(async () => {
    ({ engine: sut, dir } = make());
    await sut.open();
  });

  afterEach(async () => {
    await sut.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('stores a value with its revision and reports what was there before', async () => {
    const [first] = await sut.write([{ partition: 1, key: 'k', revision: 5, value: 'v1' }]);
    expect(first).toEqual({ applied: true, previous: null });
    const [second] = await sut.write([{ partition: 1, key: 'k', revision: 7, value: 'v2' }]);
    expect(second).toEqual({ applied: true, previous: { revision: 5, value: 'v1' } });
    expect(sut.get(1, 'k')).toEqual({ revision: 7, value: 'v2' });
  });

  it('ignores a write whose revision is not higher than the stored one (replays are harmless)', async () => {
    await sut.write([{ partition: 1, key: 'k', revision: 7, value: 'new' }]);
    const outcomes = await sut.write([
      { partition: 1, key: 'k', revision: 6, value: 'older' },
      { partition: 1, key: 'k', revision: 7, value: 'same revision' },
    ]);
    expect(outcomes.map((o) => o.applied)).toEqual([false, false]);
    expect(sut.get(1, 'k')).toEqual({ revision: 7, value: 'new' });
  });

  it('applies the ops of one batch in order', async () => {
    const outcomes = await sut.write([
      { partition: 2, key: 'k', revision: 1, value: 'a' },
      { partition: 2, key: 'k', revision: 2, value: 'b' },
    ]);
    expect(outcomes[1].previous).toEqual({ revision: 1, value: 'a' });
    expect(sut.get(2, 'k')?.value).toBe('b');
  });

  it('keeps a tombstone with its revision, so an older put cannot resurrect the key', async () => {
    await sut.write([{ partition: 0, key: 'k', revision: 1, value: 'v' }]);
    await sut.write([{ partition: 0, key: 'k', revision: 2, value: null }]);
    expect(sut.get(0, 'k')).toEqual({ revision: 2, value: null });
    const [late] = await sut.write([{ partition: 0, key: 'k', revision: 1, value: 'v' }]);
    expect(late.applied).toBe(false);
  });

  it('keeps key counts, bytes and the highest revision per partition', async () => {
    await sut.write([
      { partition: 0, key: 'ab', revision: 1, value: 'xyz' },
      { partition: 0, key: 'c', revision: 2, value: 'ü' },
      { partition: 3, key: 'd', revision: 9, value: '' },
    ]);
    await sut.write([{ partition: 0, key: 'c', revision: 10, value: null }]);
    expect(sut.partitionStats().get(0)).toEqual({ keyCount: 1, bytes: 5 });
    expect(sut.partitionStats().get(3)).toEqual({ keyCount: 1, bytes: 1 });
    expect(sut.maxRevision()).toBe(10);
  });

  it('scans several partitions merged in UTF-8 byte order, with prefix, exclusive cursor and limit', async () => {
    const keys = ['a/ü', 'a/10', 'a/2', 'a/1', 'a/Z', 'b/1'];
    await sut.write(keys.map((key, i) => ({ partition: i % 3, key, revision: i + 1, value: `v${i}` })));
    await sut.write([{ partition: 0, key: 'a/0', revision: 50, value: null }]);
    const first = sut.scan({ partitions: [0, 1, 2], prefix: 'a/', limit: 3, includeTombstones: false });
    expect(first.items.map((i) => i.key)).toEqual(['a/1', 'a/10', 'a/2']);
    expect(first.more).toBe(true);
    const rest = sut.scan({ partitions: [0, 1, 2], prefix: 'a/', after: 'a/2', limit: 3, includeTombstones: false });
    expect(rest.items.map((i) => i.key)).toEqual(['a/Z', 'a/ü']);
    expect(rest.more).toBe(false);
    const withTombstones = sut.scan({ partitions: [0], prefix: 'a/', limit: 10, includeTombstones: true });
    expect(withTombstones.items[0]).toEqual({ partition: 0, key: 'a/0', revision: 50, value: null });
    expect(sut.scan({ partitions: [1], prefix: '', limit: 10, includeTombstones: false }).items.map((i) => i.key)).toEqual([
      'a/10',
      'a/Z',
    ]);
  });

  it('scans only tombstones for the sweep: in byte order, with deletedAt, prefix, cursor and limit', async () => {
    await sut.write([
      { partition: 0, key: 't/ü', revision: 1, value: null, deletedAt: 100 },
      { partition: 0, key: 't/b', revision: 2, value: null, deletedAt: 200 },
      { partition: 0, key: 't/live', revision: 3, value: 'v' },
      { partition: 0, key: 't/a', revision: 4, value: null, deletedAt: 300 },
      { partition: 0, key: 'u/x', revision: 5, value: null, deletedAt: 400 },
      { partition: 1, key: 't/other', revision: 6, value: null, deletedAt: 500 },
    ]);
    // From the index: the sweep runs every few seconds and must not read every live record.
    const rangeReads = jest.spyOn(sut as unknown as { range: () => Iterable<unknown> }, 'range');
    const tombstones = (request: Partial<ScanRequest>) =>
      sut.scan({ partitions: [0], prefix: 't/', limit: 10, includeTombstones: false, tombstonesOnly: true, ...request });
    expect(tombstones({})).toEqual({
      items: [
        { partition: 0, key: 't/a', revision: 4, value: null, deletedAt: 300 },
        { partition: 0, key: 't/b', revision: 2, value: null, deletedAt: 200 },
        { partition: 0, key: 't/ü', revision: 1, value: null, deletedAt: 100 },
      ],
      more: false,
    });
    expect(tombstones({ limit: 2 })).toMatchObject({ items: [{ key: 't/a' }, { key: 't/b' }], more: true });
    expect(tombstones({ after: 't/b' }).items.map((i) => i.key)).toEqual(['t/ü']);
    expect(tombstones({ prefix: '' }).items.map((i) => i.key)).toEqual(['t/a', 't/b', 't/ü', 'u/x']);
    expect(rangeReads).not.toHaveBeenCalled();
  });

  it('forgets a tombstone that a newer put replaced, that was purged, or whose partition was dropped', async () => {
    await sut.write([
      { partition: 0, key: 'a', revision: 1, value: null, deletedAt: 10 },
      { partition: 0, key: 'b', revision: 2, value: null, deletedAt: 10 },
      { partition: 0, key: 'c', revision: 3, value: null, deletedAt: 10 },
      { partition: 2, key: 'd', revision: 4, value: null, deletedAt: 10 },
    ]);
    await sut.write([{ partition: 0, key: 'a', revision: 5, value: 'back' }]);
    expect(await sut.purge(0, [{ key: 'b', revision: 2 }, { key: 'c', revision: 99 }])).toBe(1);
    await sut.drop(2);
    const tombstonesOf = (partition: number) =>
      sut
        .scan({ partitions: [partition], prefix: '', limit: 10, includeTombstones: false, tombstonesOnly: true })
        .items.map((i) => [i.key, i.revision]);
    expect(tombstonesOf(0)).toEqual([['c', 3]]);
    expect(tombstonesOf(2)).toEqual([]);
    // The index says what the store holds.
    expect(sut.scan({ partitions: [0], prefix: '', limit: 10, includeTombstones: true }).items.map((i) => i.key)).toEqual([
      'a',
      'c',
    ]);
  });

  it('persists partition assignments', async () => {
    await sut.assign(4, { epoch: 3, replicas: ['s1'] });
    expect(sut.assignments().get(4)).toEqual({ epoch: 3, replicas: ['s1'], learners: [] });
  });
});

describe('LmdbEngine after a restart', () => {
  it('finds its data, tombstones, stats and assignments again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ddb-engine-'));
    try {
      const before = new LmdbEngine(dir);
      await before.open();
      await before.assign(1, { epoch: 2, replicas: ['s1'] });
      await before.write([
        { partition: 1, key: 'kept', revision: 3, value: 'value' },
        { partition: 1, key: 'gone', revision: 4, value: null },
      ]);
      await before.close();

      const sut = new LmdbEngine(dir);
      await sut.open();
      expect(sut.get(1, 'kept')).toEqual({ revision: 3, value: 'value' });
      expect(sut.get(1, 'gone')).toEqual({ revision: 4, value: null });
      expect(
        sut.scan({ partitions: [1], prefix: '', limit: 10, includeTombstones: false, tombstonesOnly: true }).items,
      ).toEqual([{ partition: 1, key: 'gone', revision: 4, value: null, deletedAt: 0 }]);
      expect(sut.partitionStats().get(1)).toEqual({ keyCount: 1, bytes: 9 });
      expect(sut.maxRevision()).toBe(4);
      expect(sut.assignments().get(1)).toEqual({ epoch: 2, replicas: ['s1'], learners: [] });
      await sut.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
