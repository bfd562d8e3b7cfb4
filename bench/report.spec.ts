import { caseResult, percentile, problemsOf, withRatios, type CaseResult, type CaseSpec, type RawRun } from './report.js';

const clean = (over: Partial<RawRun> = {}): RawRun => ({
  seconds: 10,
  ok: 1000,
  non2xx: 0,
  statusCounts: { '200': 1000 },
  errors: 0,
  timeouts: 0,
  missing: 0,
  latenciesMs: Array.from({ length: 100 }, (_, i) => i + 1),
  serverCpuMs: 500,
  ...over,
});
const spec = (over: Partial<CaseSpec> = {}): CaseSpec => ({ id: 'ddb-get-rf3', system: 'ddb', group: 'get', rf: 3, connections: 50, ...over });

describe('percentile', () => {
  it('takes the nearest rank of an ascending array', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([1, 2, 3], 0)).toBe(1);
  });

  it('has no value for no samples', () => {
    expect(percentile([], 50)).toBeNull();
  });
});

describe('caseResult', () => {
  it('reports a clean run as req/s with its percentiles', () => {
    const sut = caseResult(spec(), clean());
    expect(sut).toMatchObject({ status: 'ok', reqPerSec: 100, p50Ms: 50, p99Ms: 99, cpuMsPerRequest: 0.5, failure: null, rf: 3 });
  });

  it.each([
    ['a non-2xx answer', { non2xx: 2, statusCounts: { '200': 998, '503': 2 } }, '2 non-2xx (503×2)'],
    ['a timeout', { timeouts: 1 }, '1 timeout'],
    ['a connection error', { errors: 3 }, '3 connection errors'],
    ['a read without its value', { missing: 4 }, '4 answered without the value'],
    ['no answer at all', { ok: 0, latenciesMs: [] }, 'no answer within the 10 s run'],
  ])('reports a run with %s as FAILED, without numbers', (_what, over, reason) => {
    const sut = caseResult(spec(), clean(over));
    expect(sut.status).toBe('FAILED');
    expect(sut.failure).toBe(reason);
    expect([sut.reqPerSec, sut.p50Ms, sut.p99Ms, sut.cpuMsPerRequest]).toEqual([null, null, null, null]);
  });

  it('fails a case whose warm-up had bad answers, even if the measured run was clean', () => {
    const sut = caseResult(spec(), clean(), clean({ timeouts: 2 }));
    expect(sut.status).toBe('FAILED');
    expect(sut.failure).toBe('in warm-up: 2 timeouts');
    expect(sut.timeouts).toBe(2);
  });

  it('does not fail a case whose warm-up was too short for any answer', () => {
    expect(caseResult(spec(), clean(), clean({ ok: 0, latenciesMs: [] })).status).toBe('ok');
  });

  it('lists every problem of both runs', () => {
    const sut = caseResult(spec(), clean({ non2xx: 1, statusCounts: { '404': 1 }, timeouts: 2 }), clean({ errors: 1 }));
    expect(sut.failure).toBe('2 timeouts, 1 non-2xx (404×1); in warm-up: 1 connection error');
  });
});

describe('problemsOf', () => {
  it('is null for a clean run', () => {
    expect(problemsOf(clean())).toBeNull();
  });
});

describe('withRatios', () => {
  const ok = (id: string, system: CaseResult['system'], group: string, reqPerSec: number): CaseResult =>
    caseResult(spec({ id, system, group }), clean({ ok: reqPerSec * 10 }));

  it('divides ours by etcd and by the ceiling of the same group', () => {
    const rows = withRatios([ok('ceiling-get', 'ceiling', 'get', 2000), ok('etcd-get', 'etcd', 'get', 1000), ok('ddb-get-rf3', 'ddb', 'get', 500)]);
    const ours = rows.find((r) => r.id === 'ddb-get-rf3')!;
    expect(ours.vsEtcd).toBeCloseTo(0.5);
    expect(ours.vsCeiling).toBeCloseTo(0.25);
    expect(rows.find((r) => r.id === 'etcd-get')).toMatchObject({ vsEtcd: null, vsCeiling: null });
  });

  it('gives no ratio when either side FAILED or is missing', () => {
    const failedEtcd = caseResult(spec({ id: 'etcd-put', system: 'etcd', group: 'put' }), clean({ timeouts: 1 }));
    const failedOurs = caseResult(spec({ id: 'ddb-get-rf3' }), clean({ errors: 1 }));
    const rows = withRatios([failedEtcd, ok('ddb-put-rf3', 'ddb', 'put', 100), failedOurs, ok('etcd-get', 'etcd', 'get', 10)]);
    expect(rows.find((r) => r.id === 'ddb-put-rf3')).toMatchObject({ vsEtcd: null, vsCeiling: null });
    expect(rows.find((r) => r.id === 'ddb-get-rf3')).toMatchObject({ vsEtcd: null });
  });
});
