import { caseResult, withRatios, type RawRun } from './report.js';
import { formatIdleCpu, formatMarkdown, formatMs, formatRate, formatTable, type IdleCpu } from './table.js';

describe('formatMs', () => {
  it.each([
    [0.4213, '0.42'],
    [3.74, '3.7'],
    [41.4, '41'],
    [1530.2, '1,530'],
    [null, '—'],
  ])('%s ms reads %s', (ms, text) => {
    expect(formatMs(ms)).toBe(text);
  });
});

describe('formatRate', () => {
  it.each([
    [12345.6, '12,346'],
    [71.33, '71.3'],
    [4.251, '4.25'],
    [null, '—'],
  ])('%s req/s reads %s', (rate, text) => {
    expect(formatRate(rate)).toBe(text);
  });
});

describe('formatTable', () => {
  const run = (over: Partial<RawRun>): RawRun => ({
    seconds: 10,
    ok: 50_000,
    non2xx: 0,
    statusCounts: {},
    errors: 0,
    timeouts: 0,
    missing: 0,
    latenciesMs: [1.25, 2.5, 9],
    serverCpuMs: 4000,
    ...over,
  });
  const rows = withRatios([
    caseResult({ id: 'etcd-get', system: 'etcd', group: 'get', connections: 50 }, run({ ok: 100_000 })),
    caseResult({ id: 'ddb-get-rf3', system: 'ddb', group: 'get', rf: 3, connections: 50 }, run({})),
    caseResult(
      { id: 'ddb-put-rf3', system: 'ddb', group: 'put', rf: 3, connections: 50 },
      run({ non2xx: 3, statusCounts: { '503': 3 } }),
    ),
  ]);

  it('prints a number row with its ratio, a FAILED row without numbers, and why it failed', () => {
    const lines = formatTable(rows).split('\n');
    expect(lines[0]).toMatch(
      /^case\s+conns\s+req\/s\s+p50 ms\s+p99 ms\s+cpu ms\/req\s+errors\s+ours\/etcd\s+ours\/ceiling$/,
    );
    expect(lines[1]).toMatch(/^etcd-get\s+50\s+10,000\s+2\.5\s+9\.0\s+0\.04\s+0$/);
    expect(lines[2]).toMatch(/^ddb-get-rf3\s+50\s+5,000\s+2\.5\s+9\.0\s+0\.08\s+0\s+0\.50×$/);
    expect(lines[3]).toMatch(/^ddb-put-rf3\s+50\s+FAILED\s+—\s+—\s+—\s+3$/);
    expect(lines[4]).toBe('ddb-put-rf3 FAILED: 3 non-2xx (503×3)');
  });

  it('has a markdown twin for the README', () => {
    const md = formatMarkdown(rows).split('\n');
    expect(md[1]).toBe('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    expect(md[3]).toBe('| ddb-get-rf3 | 50 | 5,000 | 2.5 | 9.0 | 0.08 | 0 | 0.50× |  |');
  });
});

describe('formatIdleCpu', () => {
  it("sets the idle systems' CPU beside the time measured and what the measured systems used", () => {
    const rows: IdleCpu[] = [
      { requests: 10_000, reqPerSec: 2500, cpuMsPerRequestBy: { leader: 0.2, 'storage-1': 0.1 }, idleCpuMs: 12 },
      { requests: 1000, reqPerSec: 1000, cpuMsPerRequestBy: { etcd: 1 }, idleCpuMs: 8 },
      { requests: 500, reqPerSec: 100, cpuMsPerRequestBy: { ceiling: 1 }, idleCpuMs: null },
    ];
    // 20 ms over 4 s + 1 s; 20 ms against 3,000 + 1,000 ms.
    expect(formatIdleCpu(rows)).toBe(
      'idle systems: 20 ms of CPU while 2 cases were measured beside them (4.0 ms per second, 0.5% of what the measured systems used)',
    );
  });

  it('says nothing for results without it, or without another system up', () => {
    expect(formatIdleCpu([{ requests: 10, reqPerSec: 1 }])).toBeNull();
    expect(formatIdleCpu([{ requests: 10, reqPerSec: 1, cpuMsPerRequestBy: {}, idleCpuMs: null }])).toBeNull();
  });
});
