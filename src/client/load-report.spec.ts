import { ExitCode } from './cli-errors.js';
import { DumpLineError } from './dump-line.js';
import { ConnectionError, UnauthorizedError, UnavailableError } from './errors.js';
import { formatLoadSummary, loadErrorCause, loadExitCode, loadProblems, loadSummaryDocument } from './load-report.js';
import { Interrupted } from './cli-io.js';
import type { LoadReport } from './loader.js';

const unavailable = new UnavailableError({ statusCode: 503, error: 'Service Unavailable', message: 'partition 3 is unavailable' }, undefined);
const refused = new ConnectionError('cannot reach http://127.0.0.1:4000: connect ECONNREFUSED 127.0.0.1:4000', 'ECONNREFUSED', false);

function report(more: Partial<LoadReport> = {}): LoadReport {
  return { keys: 10, written: 6, skipped: 4, failed: 0, failures: [], ...more };
}

describe(formatLoadSummary.name, () => {
  it('says what was read, written, skipped and failed, and how long it took', () => {
    expect(formatLoadSummary('users.jsonl', report(), 1.5)).toBe(
      'users.jsonl: 10 key(s) read, 6 written, 4 skipped (already held the value), 0 failed; loaded in 1.5 s',
    );
    expect(formatLoadSummary('stdin', report({ stopped: new Interrupted(9) }), 0.2)).toMatch(/; stopped early in 0.2 s$/);
  });
});

describe(loadSummaryDocument.name, () => {
  it('has the counts, whether the load is complete, and each failure with its exit code', () => {
    const doc = loadSummaryDocument('f.jsonl', report({ failed: 1, failures: [{ line: 7, key: 'k', error: unavailable }] }), 2);

    expect(doc).toEqual({
      source: 'f.jsonl',
      keys: 10,
      written: 6,
      skipped: 4,
      failed: 1,
      complete: true,
      seconds: 2,
      failures: [{ line: 7, key: 'k', message: 'unavailable: partition 3 is unavailable', exitCode: 3 }],
    });
  });
});

describe(loadExitCode.name, () => {
  it.each([
    ['a clean load', ExitCode.Ok, report()],
    ['a bad line', ExitCode.Usage, report({ stopped: new DumpLineError(3, 'not JSON') })],
    ['Ctrl-C', ExitCode.Interrupted, report({ stopped: new Interrupted(3) })],
    ['an unreachable leader', ExitCode.Unavailable, report({ stopped: { fatal: refused } })],
    ['a refused token', ExitCode.Unauthorized, report({ stopped: { fatal: new UnauthorizedError('no', 401, null) } })],
    ['failed keys', ExitCode.Unavailable, report({ failed: 1, failures: [{ line: 1, key: 'k', error: unavailable }] })],
  ])('%s exits %d', (_, code, loaded) => {
    expect(loadExitCode(loaded)).toBe(code);
  });
});

describe(loadProblems.name, () => {
  it('is empty for a clean load', () => {
    expect(loadProblems(report())).toEqual([]);
  });

  it('lists the first 10 failed keys, then how many more, then what to do', () => {
    const failures = Array.from({ length: 12 }, (_, i) => ({ line: i + 1, key: `k${i}`, error: unavailable }));

    const lines = loadProblems(report({ failed: 15, failures }));

    expect(lines).toHaveLength(12);
    expect(lines[0]).toBe('line 1 (key "k0"): unavailable: partition 3 is unavailable');
    expect(lines.slice(10)).toEqual([
      '… and 5 more failed key(s)',
      '15 key(s) failed; run the same command again to load the rest: keys already loaded are skipped',
    ]);
  });

  it('says where a bad line stopped the load', () => {
    expect(loadProblems(report({ stopped: new DumpLineError(3, '"key" must be a string') }))).toEqual([
      'line 3: "key" must be a string',
      'stopped at line 3: nothing after it was written',
    ]);
  });

  it('says why a fatal error stopped the load and that running it again resumes', () => {
    expect(loadProblems(report({ stopped: { fatal: refused } }))).toEqual([
      refused.message,
      'stopped; run the same command again to load the rest: keys already loaded are skipped',
    ]);
  });
});

describe(loadErrorCause.name, () => {
  it('is the reason the load stopped, else its first failure, else nothing', () => {
    const bad = new DumpLineError(3, 'x');
    expect(loadErrorCause(report({ stopped: bad }))).toBe(bad);
    expect(loadErrorCause(report({ stopped: { fatal: refused } }))).toBe(refused);
    expect(loadErrorCause(report({ failed: 1, failures: [{ line: 1, key: 'k', error: unavailable }] }))).toBe(unavailable);
    expect(loadErrorCause(report())).toBeUndefined();
  });
});
