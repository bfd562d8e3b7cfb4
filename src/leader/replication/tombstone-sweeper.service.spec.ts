import type { SchedulerRegistry } from '@nestjs/schedule';
import type { Clock } from '../../common/clock.js';
import type { AppConfig } from '../../config/app-config.js';
import type { OpDto } from '../../storage/dto/ops.dto.js';
import type { ScanRequestDto, ScanResponseDto } from '../../storage/dto/scan.dto.js';
import type { ClusterStateService } from '../cluster-state.service.js';
import type { Placement } from '../placement/partition-table.js';
import type { StorageClient } from '../storage-client.js';
import type { RepairService } from './repair.service.js';
import type { ReplicatedStore } from './replicated-store.js';
import { TombstoneSweeperService } from './tombstone-sweeper.service.js';

const NOW = 1_000_000;
const TTL = 1000;

interface Tombstone {
  partition: number;
  key: string;
  revision: number;
  deletedAt: number;
}

/** Three storage nodes holding tombstones; records every scan, purge and write the sweeper sends. */
function world(placements: [number, Placement][], held: Record<string, Tombstone[]>, pageLimit = 1000) {
  const scans: { node: string; partitions: number[] }[] = [];
  const purges: { node: string; partition: number; keys: string[] }[] = [];
  const spreads: { node: string; op: OpDto }[] = [];
  const nodeOf = (url: string) => url.replace('http://', '');
  const storage = {
    scan: async (url: string, request: ScanRequestDto): Promise<ScanResponseDto> => {
      scans.push({ node: nodeOf(url), partitions: request.partitions });
      const items = (held[nodeOf(url)] ?? [])
        .filter((t) => request.partitions.includes(t.partition))
        .map((t) => ({ ...t, value: null }));
      const limit = Math.min(request.limit, pageLimit);
      return { items: items.slice(0, limit), more: items.length > limit };
    },
    purge: async (url: string, partition: number, tombstones: { key: string }[]) => {
      purges.push({ node: nodeOf(url), partition, keys: tombstones.map((t) => t.key) });
      return tombstones.length;
    },
  };
  const table = new Map(placements);
  const state = {
    ready: true,
    table: { placed: () => table.entries(), get: (p: number) => table.get(p) },
    node: (id: string) => ({ id, status: 'UP', url: `http://${id}` }),
  };
  const replicas = {
    sendOne: async (node: string, op: OpDto) => {
      spreads.push({ node, op });
      return { applied: true, previous: null };
    },
  };
  const sut = new TombstoneSweeperService(
    state as unknown as ClusterStateService,
    replicas as unknown as ReplicatedStore,
    { busy: () => ({ partitions: new Set<number>() }) } as unknown as RepairService,
    storage as unknown as StorageClient,
    { now: () => NOW } as Clock,
    {} as SchedulerRegistry,
    { tombstoneTtlMs: TTL, heartbeatIntervalMs: 1000 } as AppConfig,
  );
  return { sut, scans, purges, spreads };
}

const placement = (replicas: string[]): Placement => ({ epoch: 1, replicas, learners: [] });
const old = (partition: number, key: string, revision = 5): Tombstone => ({
  partition,
  key,
  revision,
  deletedAt: NOW - 2 * TTL,
});

describe(TombstoneSweeperService.name, () => {
  const placements: [number, Placement][] = [
    [0, placement(['a', 'b', 'c'])],
    [1, placement(['a', 'b', 'c'])],
    [2, placement(['b', 'c', 'a'])],
  ];

  it("reads every node's tombstones in one scan per node, then purges and spreads per partition", async () => {
    const w = world(placements, {
      a: [old(0, 'gone'), old(2, 'missed-by-c')],
      b: [old(0, 'gone'), old(2, 'missed-by-c')],
      c: [old(0, 'gone')],
    });
    await w.sut.sweep();

    expect(w.scans).toEqual([
      { node: 'a', partitions: [0, 1, 2] },
      { node: 'b', partitions: [0, 1, 2] },
      { node: 'c', partitions: [0, 1, 2] },
    ]);
    expect(w.purges).toEqual(['a', 'b', 'c'].map((node) => ({ node, partition: 0, keys: ['gone'] })));
    expect(w.spreads).toEqual([
      { node: 'c', op: { type: 'delete', partition: 2, key: 'missed-by-c', revision: 5, epoch: 1 } },
    ]);
  });

  it('reads a node per partition when its tombstones do not fit in one page', async () => {
    const w = world(placements, { a: [old(0, 'x'), old(1, 'y')], b: [], c: [] }, 1);
    await w.sut.sweep();

    expect(w.scans.filter((s) => s.node === 'a')).toEqual([
      { node: 'a', partitions: [0, 1, 2] },
      { node: 'a', partitions: [0] },
      { node: 'a', partitions: [1] },
      { node: 'a', partitions: [2] },
    ]);
    expect(w.scans.filter((s) => s.node !== 'a')).toHaveLength(2);
    expect(w.spreads.map((s) => [s.node, s.op.key]).sort()).toEqual([
      ['b', 'x'],
      ['b', 'y'],
      ['c', 'x'],
      ['c', 'y'],
    ]);
  });
});
