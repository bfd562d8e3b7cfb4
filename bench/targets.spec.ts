import { caseResult, roundsResult, withRatios, type CaseSpec, type RawRun, type RunNumbers } from './report.js';
import { checkTargets, formatSpread, formatTargets, roundRatios } from './targets.js';

const run = (rate: number, p99: number, over: Partial<RawRun> = {}): RawRun => ({
  seconds: 10,
  ok: rate * 10,
  non2xx: 0,
  statusCounts: {},
  errors: 0,
  timeouts: 0,
  missing: 0,
  latenciesMs: [p99 / 2, p99],
  ...over,
});
const row = (id: string, system: CaseSpec['system'], group: string, r: RawRun) =>
  caseResult({ id, system, group, connections: 50 }, r);

describe('checkTargets', () => {
  it('meets every target when ours is fast enough and clean', () => {
    const rows = withRatios([
      row('ceiling-get', 'ceiling', 'get', run(10_000, 5)),
      row('etcd-get', 'etcd', 'get', run(5000, 10)),
      row('etcd-put', 'etcd', 'put', run(5000, 10)),
      row('ddb-get-rf3', 'ddb', 'get', run(6000, 20)),
      row('ddb-put-rf3', 'ddb', 'put', run(3000, 40)),
    ]);
    expect(checkTargets(rows).map((c) => [c.target, c.met, c.seen])).toEqual([
      ['ddb-get-rf3 ≥ 0.8× etcd-get', true, '1.20×'],
      ['ddb-put-rf3 ≥ 0.6× etcd-put', true, '0.60×'],
      ['ddb-get-rf3 ≥ 0.5× ceiling-get', true, '0.60×'],
      ['no errors in any case', true, 'none'],
      ['ddb p99 < 50 ms at 50 connections', true, 'all under'],
    ]);
  });

  it('counts a FAILED case against every target it touches, and says which', () => {
    const rows = withRatios([
      row('etcd-get', 'etcd', 'get', run(5000, 10)),
      row('ddb-get-rf3', 'ddb', 'get', run(1000, 80)),
      row('ddb-put-rf3', 'ddb', 'put', run(100, 10, { timeouts: 2 })),
    ]);
    const checks = checkTargets(rows);
    expect(checks[0]).toMatchObject({ met: false, seen: '0.20×' });
    expect(checks[1]).toMatchObject({ met: null, seen: 'not measured' });
    expect(checks[2]).toMatchObject({ met: null, seen: 'not measured' });
    expect(checks[3]).toMatchObject({ met: false, seen: '1 case FAILED' });
    expect(checks[4]).toMatchObject({ met: false, seen: 'ddb-get-rf3 80 ms, ddb-put-rf3 FAILED' });
  });
});

describe('per-round ratios', () => {
  const rates = (...reqPerSec: (number | null)[]): RunNumbers[] =>
    reqPerSec.map((rate) => ({ reqPerSec: rate, p50Ms: 1, p99Ms: 2, cpuMsPerRequest: 0.1 }));

  it('pairs round r of ours with round r of theirs', () => {
    expect(roundRatios(rates(600, 700, 650), rates(1000, 1000, 1300))).toEqual([0.6, 0.7, 0.5]);
  });

  it('has none unless both cases ran the same rounds, each with a number', () => {
    expect(roundRatios(undefined, rates(1))).toEqual([]);
    expect(roundRatios(rates(1, 2), rates(1, 2, 3))).toEqual([]);
    expect(roundRatios(rates(1, null), rates(1, 2))).toEqual([]);
  });

  it('shows the lowest and the highest, and nothing for a single round', () => {
    expect(formatSpread([0.7, 0.61, 0.66])).toBe(' (rounds 0.61-0.70)');
    expect(formatSpread([0.66])).toBe('');
    expect(formatSpread([])).toBe('');
  });

  it('puts the spread beside the merged ratio in the targets block', () => {
    const rounds = (id: string, system: CaseSpec['system'], group: string, ...perRound: number[]) =>
      roundsResult(
        { id, system, group, connections: 50 },
        perRound.map((rate) => ({ measured: run(rate, 10, { seconds: 4, ok: rate * 4 }) })),
      );
    const rows = withRatios([
      rounds('etcd-put', 'etcd', 'put', 5000, 4000, 6000),
      rounds('ddb-put-rf3', 'ddb', 'put', 3050, 2800, 3600),
    ]);
    const check = checkTargets(rows)[1];
    // merged: 9,450 / 15,000 = 0.63; per round 0.61, 0.70, 0.60.
    expect(check).toMatchObject({ met: true, seen: '0.63× (rounds 0.60-0.70)' });
    expect(check.rounds).toEqual([0.61, 0.7, 0.6]);
    expect(formatTargets([check])).toBe(
      'issue 5 targets:\n  ddb-put-rf3 ≥ 0.6× etcd-put  met           0.63× (rounds 0.60-0.70)',
    );
  });
});
