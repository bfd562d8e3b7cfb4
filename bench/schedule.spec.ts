import { catalogue, selectCases, type PlannedCase } from './cases.js';
import { parseOptions } from './options.js';
import { rotate, schedule } from './schedule.js';

const all = catalogue(parseOptions([]));
const plan = (only: string[] | null, rounds = 3) => schedule(selectCases(all, only, []), rounds);
const ids = (cases: readonly { spec: { id: string } }[]) => cases.map((c) => c.spec.id);

describe('rotate', () => {
  it('starts at the by-th item and wraps around', () => {
    expect([0, 1, 2, 3, 4].map((by) => rotate(['a', 'b', 'c'], by).join(''))).toEqual([
      'abc',
      'bca',
      'cab',
      'abc',
      'bca',
    ]);
    expect(rotate([], 2)).toEqual([]);
  });
});

describe('schedule', () => {
  it('starts every system the cases need, and none the memory stage', () => {
    expect(plan(null).systems).toEqual(['ceiling', 'etcd', 'rf1', 'rf3']);
    expect(plan(['ddb-get-rf3', 'memory']).systems).toEqual(['rf3']);
  });

  it('runs every throughput case once a round, rotating the systems so none always goes first or last', () => {
    const sut = plan(['main']);
    const systemsOf = (round: readonly PlannedCase[]) => [...new Set(round.map((c) => c.stage))];
    expect(sut.rounds.map(systemsOf)).toEqual([
      ['ceiling', 'etcd', 'rf1', 'rf3'],
      ['etcd', 'rf1', 'rf3', 'ceiling'],
      ['rf1', 'rf3', 'ceiling', 'etcd'],
    ]);
    for (const round of sut.rounds) expect(ids(round).sort()).toEqual(ids(selectCases(all, ['main'], [])).sort());
    // Within its turn, a system runs its cases in catalogue order.
    expect(ids(sut.rounds[2])).toEqual([
      'ddb-get-rf1',
      'ddb-put-rf1',
      'ddb-get-rf3',
      'ddb-put-rf3',
      'ddb-mix-rf3',
      'ceiling-get',
      'ceiling-put',
      'ceiling-mix',
      'etcd-get',
      'etcd-put',
      'etcd-mix',
    ]);
    expect(sut.once).toEqual([]);
  });

  it('rotates only the systems that have throughput cases', () => {
    const sut = plan(['etcd-get', 'ddb-get-rf3', 'ddb-list-100-rf3', 'ddb-put-1MB-rf3', 'ceiling-get'], 2);
    expect(sut.rounds.map(ids)).toEqual([
      ['ceiling-get', 'etcd-get', 'ddb-get-rf3'],
      ['etcd-get', 'ddb-get-rf3', 'ceiling-get'],
    ]);
  });

  it('has no rounds without a throughput case', () => {
    expect(plan(['sizes']).rounds).toEqual([]);
  });

  it('runs the size and listing cases once, after the rounds, system by system', () => {
    const sut = plan(['sizes', 'listing', 'ddb-get-rf1']);
    expect(sut.systems).toEqual(['etcd', 'rf1', 'rf3']);
    expect(sut.rounds.map(ids)).toEqual([['ddb-get-rf1'], ['ddb-get-rf1'], ['ddb-get-rf1']]);
    expect(sut.once.map((group) => [group.stage, ids(group.cases)[0], group.cases.length])).toEqual([
      ['etcd', 'etcd-put-100B', 9],
      ['rf3', 'ddb-put-100B-rf3', 9],
    ]);
  });
});
