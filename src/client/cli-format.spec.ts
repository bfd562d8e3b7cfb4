import { formatBytes, formatCluster, formatUsage, partitionSummary } from './cli-format.js';
import type { ClusterInfo } from './types.js';

const MiB = 1024 * 1024;

describe(formatBytes.name, () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1536, '1.5 KiB'],
    [10 * MiB + 300 * 1024, '10 MiB'],
    [3 * 1024 * MiB, '3.0 GiB'],
  ])('%d bytes is %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});

describe(formatUsage.name, () => {
  it('shows used / capacity with a percentage, or what is known', () => {
    expect(formatUsage({ usedBytes: 256 * MiB, capacityBytes: 1024 * MiB })).toBe('256 MiB / 1.0 GiB (25%)');
    expect(formatUsage({ usedBytes: 0, capacityBytes: MiB })).toBe('0 B / 1.0 MiB (0%)');
    expect(formatUsage({ usedBytes: 512 })).toBe('512 B');
    expect(formatUsage({ capacityBytes: MiB })).toBe('? / 1.0 MiB');
    expect(formatUsage({})).toBe('-');
  });
});

const cluster: ClusterInfo = {
  leader: { id: 'leader-1', url: 'http://127.0.0.1:4000', ready: true, revision: 0 },
  partitionCount: 8,
  replicationFactor: 2,
  nodes: [
    { id: 'leader-1', role: 'leader', url: 'http://127.0.0.1:4000', status: 'UP', partitions: 0 },
    {
      id: 'storage-1',
      role: 'storage',
      url: 'http://127.0.0.1:4101',
      status: 'UP',
      usedBytes: 1536,
      capacityBytes: 64 * MiB,
      keyCount: 12,
      partitions: 6,
    },
    { id: 'storage-2', role: 'storage', url: 'http://127.0.0.1:4102', status: 'DOWN', keyCount: 3, partitions: 5 },
  ],
  partitions: [
    { partition: 0, epoch: 1, replicas: ['storage-1', 'storage-2'], state: 'under-replicated' },
    { partition: 1, epoch: 1, replicas: ['storage-1'], state: 'healthy' },
    { partition: 5, epoch: 2, replicas: ['storage-2'], state: 'unavailable' },
    { partition: 3, epoch: 1, replicas: ['storage-2', 'storage-1'], state: 'under-replicated' },
  ],
  unplaced: [7, 6],
};

describe(formatCluster.name, () => {
  it('prints the leader, one aligned row per node, and the partition health', () => {
    expect(formatCluster(cluster).split('\n')).toEqual([
      'leader: leader-1 (http://127.0.0.1:4000)',
      '',
      'NODE       ROLE     STATUS  USED / CAPACITY         KEYS  PARTITIONS  URL',
      'leader-1   leader   UP      -                          -           0  http://127.0.0.1:4000',
      'storage-1  storage  UP      1.5 KiB / 64 MiB (<1%)    12           6  http://127.0.0.1:4101',
      'storage-2  storage  DOWN    -                          3           5  http://127.0.0.1:4102',
      '',
      'partitions: 8 total, 6 placed, 2 unplaced; replication factor 2',
      'unplaced (2): 6, 7',
      'under-replicated (2): 0, 3',
      'unavailable (1): 5',
    ]);
  });
});

describe(partitionSummary.name, () => {
  it('says so when every partition is placed and healthy', () => {
    expect(partitionSummary({ ...cluster, partitions: [], unplaced: [] })).toEqual([
      'partitions: 8 total, 8 placed, 0 unplaced; replication factor 2',
      'all partitions healthy',
    ]);
  });

  it('cuts a long list of partitions short', () => {
    const unplaced = Array.from({ length: 25 }, (_, i) => i);
    const [, line] = partitionSummary({ ...cluster, partitionCount: 25, partitions: [], unplaced });

    expect(line).toBe(`unplaced (25): ${unplaced.slice(0, 20).join(', ')}, … (+5 more)`);
  });
});
