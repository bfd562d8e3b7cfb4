import {
  caseResult,
  mergeRuns,
  percentile,
  problemsOf,
  roundsResult,
  withRatios,
  type CaseResult,
  type CaseSpec,
  type RawRun,
} from './report.js';

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
const spec = (over: Partial<CaseSpec> = {}): CaseSpec => ({
  id: 'ddb-get-rf3',
  system: 'ddb',
  group: 'get',
  rf: 3,
  connections: 50,
  ...over,
});

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
    expect(sut).toMatchObject({
      status: 'ok',
      reqPerSec: 100,
      p50Ms: 50,
      p99Ms: 99,
      cpuMsPerRequest: 0.5,
      failure: null,
      rf: 3,
    });
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

describe('mergeRuns', () => {
  it('sums the counts, seconds and CPU time and merges the latencies in order', () => {
    const sut = mergeRuns([
      clean({ seconds: 4, ok: 30, statusCounts: { '200': 30 }, latenciesMs: [1, 5, 9], serverCpuMs: 10 }),
      clean({
        seconds: 4.5,
        ok: 20,
        non2xx: 1,
        statusCounts: { '200': 20, '503': 1 },
        errors: 2,
        timeouts: 3,
        missing: 4,
        latenciesMs: [2, 6],
        serverCpuMs: 5,
      }),
    ]);
    expect(sut).toMatchObject({
      seconds: 8.5,
      ok: 50,
      non2xx: 1,
      statusCounts: { '200': 50, '503': 1 },
      errors: 2,
      timeouts: 3,
      missing: 4,
      serverCpuMs: 15,
    });
    expect(Array.from(sut.latenciesMs)).toEqual([1, 2, 5, 6, 9]);
  });

  it('has no CPU time when a run did not measure it', () => {
    expect(mergeRuns([clean(), clean({ serverCpuMs: undefined })]).serverCpuMs).toBeUndefined();
  });

  it('refuses to merge nothing', () => {
    expect(() => mergeRuns([])).toThrow('at least one run');
  });
});

describe('roundsResult', () => {
  const round = (over: Partial<RawRun> = {}, warmup: Partial<RawRun> = {}) => ({
    measured: clean(over),
    warmup: clean(warmup),
  });

  it("judges the merged rounds as one run and keeps each round's numbers", () => {
    const sut = roundsResult(spec(), [
      round({ seconds: 4, ok: 400, latenciesMs: [10, 20], serverCpuMs: 200 }),
      round({ seconds: 4, ok: 800, latenciesMs: [1, 2], serverCpuMs: 200 }),
    ]);
    // 1,200 answers in 8 s; p50 over all four latencies, not the mean of the rounds' p50s.
    expect(sut).toMatchObject({ status: 'ok', reqPerSec: 150, p50Ms: 2, p99Ms: 20, requests: 1200 });
    expect(sut.cpuMsPerRequest).toBeCloseTo(400 / 1200);
    expect(sut.rounds).toEqual([
      { reqPerSec: 100, p50Ms: 10, p99Ms: 20, cpuMsPerRequest: 0.5 },
      { reqPerSec: 200, p50Ms: 1, p99Ms: 2, cpuMsPerRequest: 0.25 },
    ]);
  });

  it('fails the case for a bad answer in any round or warm-up, and says which round', () => {
    const sut = roundsResult(spec(), [
      round(),
      round({}, { timeouts: 1 }),
      round({ non2xx: 2, statusCounts: { '503': 2 } }),
    ]);
    expect(sut.status).toBe('FAILED');
    expect(sut.failure).toBe('round 2: in warm-up: 1 timeout; round 3: 2 non-2xx (503×2)');
    expect(sut).toMatchObject({ reqPerSec: null, timeouts: 1, non2xx: 2 });
    expect(sut.rounds).toEqual(Array(3).fill({ reqPerSec: null, p50Ms: null, p99Ms: null, cpuMsPerRequest: null }));
  });

  it('fails the case for a round without a single answer, though the others answered', () => {
    const sut = roundsResult(spec(), [round(), round({ ok: 0, latenciesMs: [], statusCounts: {} })]);
    expect(sut.failure).toBe('round 2: no answer within the 10 s run');
  });

  it('says no round for a case run once', () => {
    expect(roundsResult(spec(), [round({ errors: 1 })]).failure).toBe('1 connection error');
    expect(caseResult(spec(), clean()).rounds).toBeUndefined();
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
    const rows = withRatios([
      ok('ceiling-get', 'ceiling', 'get', 2000),
      ok('etcd-get', 'etcd', 'get', 1000),
      ok('ddb-get-rf3', 'ddb', 'get', 500),
    ]);
    const ours = rows.find((r) => r.id === 'ddb-get-rf3')!;
    expect(ours.vsEtcd).toBeCloseTo(0.5);
    expect(ours.vsCeiling).toBeCloseTo(0.25);
    expect(rows.find((r) => r.id === 'etcd-get')).toMatchObject({ vsEtcd: null, vsCeiling: null });
  });

  it('gives no ratio when either side FAILED or is missing', () => {
    const failedEtcd = caseResult(spec({ id: 'etcd-put', system: 'etcd', group: 'put' }), clean({ timeouts: 1 }));
    const failedOurs = caseResult(spec({ id: 'ddb-get-rf3' }), clean({ errors: 1 }));
    const rows = withRatios([
      failedEtcd,
      ok('ddb-put-rf3', 'ddb', 'put', 100),
      failedOurs,
      ok('etcd-get', 'etcd', 'get', 10),
    ]);
    expect(rows.find((r) => r.id === 'ddb-put-rf3')).toMatchObject({ vsEtcd: null, vsCeiling: null });
    expect(rows.find((r) => r.id === 'ddb-get-rf3')).toMatchObject({ vsEtcd: null });
  });
});
