import fc from 'fast-check';
import { chooseNode, chooseReplicas, spaceScore, type PlacementCandidate } from './choose-node.js';

const node = (id: string, usedBytes: number, partitions = 0, capacityBytes = 1000): PlacementCandidate => ({
  id,
  usedBytes,
  capacityBytes,
  partitions,
});

describe('chooseNode', () => {
  it('returns undefined when there is no candidate', () => {
    expect(chooseNode([])).toBeUndefined();
  });

  it('picks the node with the lowest space score (used / capacity)', () => {
    expect(chooseNode([node('a', 500), node('b', 100), node('c', 300)])?.id).toBe('b');
    expect(chooseNode([node('a', 500, 0, 10_000), node('b', 100)])?.id).toBe('a');
  });

  it('breaks ties by fewest partitions, then id', () => {
    expect(chooseNode([node('a', 0, 3), node('b', 0, 1), node('c', 0, 2)])?.id).toBe('b');
    expect(chooseNode([node('b', 0, 1), node('a', 0, 1)])?.id).toBe('a');
  });

  it('treats scores within the tolerance as equal, so reporting lag does not pile placements on one node', () => {
    const sut = [node('a', 1, 5), node('b', 5, 0)];
    expect(chooseNode(sut, 0.01)?.id).toBe('b');
    expect(chooseNode(sut, 0)?.id).toBe('a');
  });

  it('spreads a burst of placements evenly over equal nodes (round robin by partition count)', () => {
    const nodes = [node('a', 0), node('b', 0), node('c', 0)];
    for (let i = 0; i < 64; i++) chooseNode(nodes)!.partitions++;
    expect(nodes.map((n) => n.partitions)).toEqual([22, 21, 21]);
  });

  it('never picks a node whose score is beyond the lowest plus the tolerance (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ used: fc.nat(1000), partitions: fc.nat(64) }), { minLength: 1, maxLength: 8 }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        (specs, tolerance) => {
          const candidates = specs.map((s, i) => node(`n${i}`, s.used, s.partitions));
          const chosen = chooseNode(candidates, tolerance)!;
          const lowest = Math.min(...candidates.map(spaceScore));
          return spaceScore(chosen) <= lowest + tolerance;
        },
      ),
    );
  });
});

describe('chooseReplicas', () => {
  it('picks distinct nodes, emptiest first', () => {
    const nodes = [node('a', 900), node('b', 100), node('c', 500), node('d', 0)];
    expect(chooseReplicas(nodes, 3).map((n) => n.id)).toEqual(['d', 'b', 'c']);
  });

  it('returns fewer than asked when there are not enough nodes', () => {
    expect(chooseReplicas([node('a', 0), node('b', 0)], 3).map((n) => n.id)).toEqual(['a', 'b']);
  });

  it('never repeats a node (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(1000), { minLength: 0, maxLength: 9 }), fc.integer({ min: 1, max: 5 }), (used, rf) => {
        const chosen = chooseReplicas(
          used.map((u, i) => node(`n${i}`, u)),
          rf,
        );
        return chosen.length === Math.min(rf, used.length) && new Set(chosen.map((c) => c.id)).size === chosen.length;
      }),
    );
  });
});
