import type { PlacementCandidate } from '../placement/choose-node.js';
import type { Placement } from '../placement/partition-table.js';
import { planRepairs, type NodeHealth, type RepairInput } from './repair-planner.js';

const up: NodeHealth = { status: 'UP' };
const downSince = (t: number): NodeHealth => ({ status: 'DOWN', downSince: t });
const candidate = (id: string, usedBytes = 0, partitions = 0): PlacementCandidate => ({
  id,
  usedBytes,
  capacityBytes: 1000,
  partitions,
});
const placed = (replicas: string[], learners: string[] = []): Placement => ({ epoch: 5, replicas, learners });

function input(overrides: Partial<RepairInput>): RepairInput {
  return {
    placements: [],
    nodes: new Map(),
    candidates: [],
    replicationFactor: 3,
    repairAfterMs: 30_000,
    now: 100_000,
    busy: new Set(),
    ...overrides,
  };
}

describe('planRepairs', () => {
  const nodes = new Map<string, NodeHealth>([
    ['a', up],
    ['b', up],
    ['c', up],
    ['d', up],
  ]);
  const all = [candidate('a'), candidate('b'), candidate('c'), candidate('d')];

  it('does nothing for a healthy partition', () => {
    expect(planRepairs(input({ placements: [[0, placed(['a', 'b', 'c'])]], nodes, candidates: all }))).toEqual([]);
  });

  it('waits REPAIR_AFTER_MS before replacing a DOWN replica', () => {
    const health = new Map(nodes).set('c', downSince(80_000));
    const placements: [number, Placement][] = [[0, placed(['a', 'b', 'c'])]];
    const live = all.filter((c) => c.id !== 'c');
    expect(planRepairs(input({ placements, nodes: health, candidates: live }))).toEqual([]);
    expect(planRepairs(input({ placements, nodes: health, candidates: live, now: 110_000 }))).toEqual([
      { partition: 0, add: 'd', remove: 'c', reason: 'replica on c lost' },
    ]);
  });

  it('adds replicas to an under-replicated partition, up to the number of UP nodes', () => {
    const tasks = planRepairs(input({ placements: [[0, placed(['a'])]], nodes, candidates: all.slice(0, 2) }));
    expect(tasks).toEqual([{ partition: 0, add: 'b', reason: 'under-replicated (1 of 2)' }]);
  });

  it('spreads the new replicas of many partitions over the emptiest nodes', () => {
    const health = new Map(nodes).set('e', up).set('c', downSince(0));
    const placements: [number, Placement][] = [0, 1, 2, 3].map((p) => [p, placed(['a', 'b', 'c'])]);
    const tasks = planRepairs(
      input({
        placements,
        nodes: health,
        candidates: [candidate('a', 0, 4), candidate('b', 0, 4), candidate('d'), candidate('e')],
      }),
    );
    expect(tasks.map((t) => t.add).sort()).toEqual(['d', 'd', 'e', 'e']);
  });

  it('finishes a copy a restarted leader finds half done, replacing the down replica', () => {
    const health = new Map(nodes).set('c', { status: 'DOWN', downSince: 99_000 } as NodeHealth);
    expect(
      planRepairs(input({ placements: [[7, placed(['a', 'b', 'c'], ['d'])]], nodes: health, candidates: all })),
    ).toEqual([{ partition: 7, add: 'd', remove: 'c', reason: 'resume the copy to a learner' }]);
  });

  it('skips partitions already being repaired, and does nothing without a candidate', () => {
    const health = new Map(nodes).set('c', downSince(0));
    const placements: [number, Placement][] = [
      [0, placed(['a', 'b', 'c'])],
      [1, placed(['a', 'b', 'c'])],
    ];
    expect(
      planRepairs(input({ placements, nodes: health, candidates: all, busy: new Set([0]) })).map((t) => t.partition),
    ).toEqual([1]);
    expect(planRepairs(input({ placements, nodes: health, candidates: [candidate('a'), candidate('b')] }))).toEqual([]);
  });
});
