import type { ClusterViewDto } from '../dto/cluster.dto.js';
import { diffViews, EventLog } from './cluster-diff.js';

const AT = '2026-11-27T10:00:00.000Z';

function view(nodes: [string, string][], partitions: [number, string[], string[]?, number?][]): ClusterViewDto {
  return {
    leader: { id: 'leader', ready: true, revision: 1 },
    partitionCount: 8,
    replicationFactor: 3,
    completedMoves: 0,
    nodes: nodes.map(([id, status]) => ({ id, role: 'storage', url: `http://${id}`, status, partitions: 0 })),
    partitions: partitions.map(([partition, replicas, learners = [], epoch = 1]) => ({
      partition, epoch, replicas, learners, state: 'healthy',
    })),
    unplaced: [],
  };
}

const messages = (prev: ClusterViewDto, next: ClusterViewDto) => diffViews(prev, next, AT).map((e) => `${e.kind}: ${e.message}`);

describe('diffViews', () => {
  it('reports nodes registering, going down, coming back and leaving', () => {
    const before = view([['s1', 'UP'], ['s2', 'UP'], ['s3', 'DOWN']], []);
    const after = view([['s1', 'DOWN'], ['s3', 'UP'], ['s4', 'UP']], []);
    expect(messages(before, after)).toEqual([
      'node-down: s1 is DOWN',
      'node-back: s3 is back UP',
      'node-registered: storage s4 registered (http://s4)',
      'node-left: s2 left the cluster',
    ]);
  });

  it('reports a partition placed, a copy started and a repair finished', () => {
    const before = view([], [[1, ['s1', 's2', 's3']], [2, ['s1', 's2', 's3']]]);
    const copying = view([], [[1, ['s1', 's2', 's3'], ['s4']], [2, ['s1', 's2', 's3']], [3, ['s2', 's3', 's4']]]);
    const repaired = view([], [[1, ['s1', 's2', 's4'], [], 2], [2, ['s1', 's2', 's3']], [3, ['s2', 's3', 's4']]]);
    expect(messages(before, copying)).toEqual([
      'move-started: partition 1: copying to s4',
      'partition-placed: partition 3 placed on s2, s3, s4',
    ]);
    expect(messages(copying, repaired)).toEqual(['move-finished: partition 1: replicas now s1, s2, s4 (epoch 2)']);
  });

  it('reports nothing when nothing that matters changed', () => {
    const a = view([['s1', 'UP']], [[1, ['s1']]]);
    expect(diffViews(a, structuredClone(a), AT)).toEqual([]);
  });
});

describe('EventLog', () => {
  it('keeps only the most recent events, oldest first', () => {
    const log = new EventLog(2);
    log.add([1, 2, 3].map((n) => ({ at: AT, kind: 'node-down' as const, message: String(n) })));
    expect(log.recent().map((e) => e.message)).toEqual(['2', '3']);
  });
});
