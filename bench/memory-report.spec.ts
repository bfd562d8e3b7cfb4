import { formatMemory, leaderBytesPerKey, type MemoryPoint, type MemoryResult } from './memory-report.js';

const at = (keys: number, leaderMB: number): MemoryPoint => ({
  keys,
  leaderRssBytes: leaderMB * 1024 * 1024,
  leaderHeapUsedBytes: (leaderMB / 2) * 1024 * 1024,
  storageRssBytes: [],
  storageDiskBytes: [],
});

describe('leaderBytesPerKey', () => {
  it('measures growth from the N/10 point on, not from the cold start', () => {
    expect(leaderBytesPerKey([at(0, 60), at(100_000, 100), at(1_000_000, 100)])).toBe(0);
    expect(leaderBytesPerKey([at(0, 60), at(100_000, 100), at(1_100_000, 100 + 95.367431640625)])).toBeCloseTo(100);
  });

  it('measures the heap in use the same way when asked', () => {
    const heap = (p: MemoryPoint) => p.leaderHeapUsedBytes;
    expect(
      leaderBytesPerKey([at(0, 60), at(100_000, 100), at(1_100_000, 100 + 2 * 95.367431640625)], heap),
    ).toBeCloseTo(100);
  });

  it('has no answer without two loaded points', () => {
    expect(leaderBytesPerKey([at(0, 60), at(10, 61)])).toBeNull();
  });
});

describe('formatMemory', () => {
  it('renders a result written before the stage read the heap, with — for it', () => {
    const { leaderHeapUsedBytes: _unused, ...withoutHeap } = at(100_000, 100);
    const old = {
      rf: 3,
      keys: 100_000,
      valueBytes: 100,
      loadConnections: 16,
      loadSeconds: 10,
      loadPerSecond: 10_000,
      retried: 0,
      points: [withoutHeap, withoutHeap, withoutHeap],
      leaderBytesPerKey: 0,
    } as unknown as MemoryResult;
    const text = formatMemory(old);
    expect(text).toMatch(/100,000\s+100\.0\s+—/);
    expect(text).toMatch(/RSS 0\.0 bytes\/key, heap in use n\/a$/);
  });
});
