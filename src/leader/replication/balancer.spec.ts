import fc from 'fast-check';
import type { Placement } from '../placement/partition-table.js';
import { planMove, spreadAfter, type BalancerInput, type BalancerNode } from './balancer.js';

const node = (id: string, usedBytes: number, draining = false, capacityBytes = 1000): BalancerNode => ({
  id,
  usedBytes,
  capacityBytes,
  draining,
});
const placed = (...replicas: string[]): Placement => ({ epoch: 1, replicas, learners: [] });

function input(overrides: Partial<BalancerInput>): BalancerInput {
  return {
    nodes: [],
    placements: [],
    partitionBytes: () => 0,
    busyPartitions: new Set(),
    busyNodes: new Set(),
    tolerance: 0.05,
    ...overrides,
  };
}

describe('planMove', () => {
  it('does nothing on a balanced cluster', () => {
    const nodes = [node('a', 100), node('b', 110), node('c', 90)];
    const placements: [number, Placement][] = [
      [0, placed('a', 'b')],
      [1, placed('b', 'c')],
      [2, placed('c', 'a')],
    ];
    expect(planMove(input({ nodes, placements }))).toBeUndefined();
  });

  it('moves from the fullest to the emptiest when scores differ beyond the tolerance, picking the partition that evens them best', () => {
    const nodes = [node('a', 600), node('b', 100)];
    const placements: [number, Placement][] = [
      [0, placed('a')],
      [1, placed('a')],
      [2, placed('a')],
    ];
    const bytes = new Map([
      [0, 100],
      [1, 250],
      [2, 400],
    ]);
    expect(planMove(input({ nodes, placements, partitionBytes: (p) => bytes.get(p)! }))).toEqual({
      partition: 1,
      add: 'b',
      remove: 'a',
      reason: 'space: a → b',
    });
  });

  it('gives a node that just joined replicas until counts are even', () => {
    const nodes = [node('a', 10), node('b', 10), node('c', 10), node('new', 0)];
    const placements: [number, Placement][] = [0, 1, 2, 3].map((p) => [p, placed('a', 'b', 'c')]);
    const move = planMove(input({ nodes, placements, partitionBytes: () => 1 }));
    expect(move?.add).toBe('new');
  });

  it('moves every replica off a draining node, to nodes that lack the partition', () => {
    const nodes = [node('a', 0, true), node('b', 500), node('c', 0)];
    const move = planMove(input({ nodes, placements: [[4, placed('a', 'b')]] }));
    expect(move).toEqual({ partition: 4, add: 'c', remove: 'a', reason: 'draining a' });
  });

  it('leaves busy partitions and busy nodes alone', () => {
    const nodes = [node('a', 900), node('b', 0)];
    const placements: [number, Placement][] = [[0, placed('a')]];
    expect(
      planMove(input({ nodes, placements, partitionBytes: () => 100, busyPartitions: new Set([0]) })),
    ).toBeUndefined();
    expect(
      planMove(input({ nodes, placements, partitionBytes: () => 100, busyNodes: new Set(['b']) })),
    ).toBeUndefined();
  });

  it('never flaps: applying its moves converges, and every space move shrinks the spread (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 6 }),
        fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 24 }),
        fc.integer({ min: 1, max: 3 }),
        (nodeCount, sizes, rf) => {
          const ids = Array.from({ length: nodeCount }, (_, i) => `n${i}`);
          const replicas = Math.min(rf, nodeCount);
          const placements = new Map<number, string[]>(sizes.map((_, p) => [p, ids.slice(0, replicas)]));
          const used = () =>
            ids.map((id) =>
              node(
                id,
                sizes.reduce((sum, size, p) => sum + (placements.get(p)!.includes(id) ? size : 0), 0),
                false,
                2000,
              ),
            );
          for (let step = 0; step < 500; step++) {
            const nodes = used();
            const move = planMove({
              nodes,
              placements: [...placements].map(([p, r]) => [p, placed(...r)]),
              partitionBytes: (p) => sizes[p],
              busyPartitions: new Set(),
              busyNodes: new Set(),
              tolerance: 0.02,
            });
            if (!move) return true;
            const before = spreadAfter(nodes, move.remove!, move.add!, 0);
            const after = spreadAfter(nodes, move.remove!, move.add!, sizes[move.partition]);
            if (move.reason.startsWith('space') && !(after < before)) return false;
            if (move.reason.startsWith('count') && after > 0.02) return false;
            const r = placements.get(move.partition)!;
            placements.set(move.partition, [...r.filter((id) => id !== move.remove), move.add!]);
          }
          return false; // did not converge
        },
      ),
      { numRuns: 200 },
    );
  });
});
