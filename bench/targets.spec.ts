import { caseResult, withRatios, type CaseSpec, type RawRun } from './report.js';
import { checkTargets } from './targets.js';

const run = (rate: number, p99: number, over: Partial<RawRun> = {}): RawRun => ({
  seconds: 10, ok: rate * 10, non2xx: 0, statusCounts: {}, errors: 0, timeouts: 0, missing: 0, latenciesMs: [p99 / 2, p99], ...over,
});
const row = (id: string, system: CaseSpec['system'], group: string, r: RawRun) => caseResult({ id, system, group, connections: 50 }, r);

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
