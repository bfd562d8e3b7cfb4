import {
  ConnectionError,
  NotFoundError,
  PreconditionFailedError,
  UnavailableError,
  type DistributedDbError,
} from './errors.js';
import { backoffDelayMs, shouldRetry, withRetries, type CallKind, type RetryPolicy } from './retry-policy.js';

const unavailable = (): UnavailableError =>
  new UnavailableError({ statusCode: 503, error: 'Service Unavailable', message: 'partition 3 is unavailable' }, 1000);
const unavailableWith = (outcome: string) => (): UnavailableError =>
  new UnavailableError({ statusCode: 503, error: 'Service Unavailable', message: 'partition 3', outcome }, 1000);
const refused = (): ConnectionError => new ConnectionError('connect ECONNREFUSED', 'ECONNREFUSED', false);
const reset = (): ConnectionError => new ConnectionError('read ECONNRESET', 'ECONNRESET', true);
const timedOut = (): ConnectionError => new ConnectionError('no answer', 'ETIMEDOUT', true);
const notFound = (): NotFoundError =>
  new NotFoundError({ statusCode: 404, error: 'Not Found', message: 'key "k" not found' });
const conflict = (): PreconditionFailedError =>
  new PreconditionFailedError({
    statusCode: 412,
    error: 'Precondition Failed',
    message: 'revision is 3',
    currentRevision: 3,
  });

const policy: RetryPolicy = { retries: 3, baseDelayMs: 100, maxDelayMs: 1000 };

describe(shouldRetry.name, () => {
  const table: Array<[CallKind, string, () => DistributedDbError, boolean]> = [
    ['read', '503', unavailable, true],
    ['read', 'refused', refused, true],
    ['read', 'reset', reset, true],
    ['read', 'timeout', timedOut, true],
    ['read', '404', notFound, false],
    ['unconditional-write', '503', unavailable, true],
    ['unconditional-write', 'refused', refused, true],
    ['unconditional-write', 'reset', reset, false],
    ['unconditional-write', 'timeout', timedOut, false],
    ['conditional-write', '503', unavailable, false],
    ['conditional-write', '503 outcome unknown', unavailableWith('unknown'), false],
    ['conditional-write', '503 outcome not-applied', unavailableWith('not-applied'), true],
    ['unconditional-write', '503 outcome unknown', unavailableWith('unknown'), true],
    ['conditional-write', 'refused', refused, true],
    ['conditional-write', 'reset', reset, false],
    ['conditional-write', 'timeout', timedOut, false],
    ['conditional-write', '412', conflict, false],
  ];

  it.each(table)('a %s after %s: retry=%s', (kind, _failure, make, expected) => {
    expect(shouldRetry(kind, make())).toBe(expected);
  });
});

describe(backoffDelayMs.name, () => {
  it('draws from [0, base·2ⁿ), capped at the maximum', () => {
    expect(backoffDelayMs(0, policy, 0)).toBe(0);
    expect(backoffDelayMs(0, policy, 0.999)).toBe(99);
    expect(backoffDelayMs(2, policy, 0.5)).toBe(200);
    expect(backoffDelayMs(10, policy, 0.999)).toBe(999);
  });

  it("treats the server's Retry-After as a lower bound, itself capped at the maximum", () => {
    expect(backoffDelayMs(0, policy, 0, 500)).toBe(500);
    expect(backoffDelayMs(3, policy, 0.9, 500)).toBe(720);
    expect(backoffDelayMs(0, policy, 0, 60_000)).toBe(1000);
  });
});

describe(withRetries.name, () => {
  function scripted(failures: DistributedDbError[]): { attempt: () => Promise<string>; calls: () => number } {
    let calls = 0;
    return {
      attempt: () => {
        const failure = failures[calls++];
        return failure ? Promise.reject(failure) : Promise.resolve('done');
      },
      calls: () => calls,
    };
  }

  function recordingEnvironment(): {
    sleeps: number[];
    env: { random: () => number; sleep: (ms: number) => Promise<void> };
  } {
    const sleeps: number[] = [];
    return { sleeps, env: { random: () => 0.5, sleep: (ms) => Promise.resolve(void sleeps.push(ms)) } };
  }

  it('retries until an attempt succeeds, waiting a growing backoff in between', async () => {
    const { attempt, calls } = scripted([refused(), refused(), refused()]);
    const { sleeps, env } = recordingEnvironment();

    await expect(withRetries('read', policy, attempt, env)).resolves.toBe('done');
    expect(calls()).toBe(4);
    expect(sleeps).toEqual([50, 100, 200]);
  });

  it('throws the last failure once the retries are spent', async () => {
    const last = timedOut();
    const { attempt, calls } = scripted([refused(), reset(), reset(), last, refused()]);
    const { env } = recordingEnvironment();

    await expect(withRetries('read', policy, attempt, env)).rejects.toBe(last);
    expect(calls()).toBe(4);
  });

  it('waits at least the Retry-After of a 503', async () => {
    const { attempt } = scripted([unavailable()]);
    const { sleeps, env } = recordingEnvironment();

    await withRetries('unconditional-write', policy, attempt, env);
    expect(sleeps).toEqual([1000]);
  });

  it('does not repeat what the call kind must not repeat', async () => {
    const { attempt, calls } = scripted([unavailable()]);
    const { sleeps, env } = recordingEnvironment();

    await expect(withRetries('conditional-write', policy, attempt, env)).rejects.toBeInstanceOf(UnavailableError);
    expect(calls()).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('with retries: 0 makes exactly one attempt', async () => {
    const { attempt, calls } = scripted([refused()]);
    const { env } = recordingEnvironment();

    await expect(withRetries('read', { ...policy, retries: 0 }, attempt, env)).rejects.toBeInstanceOf(ConnectionError);
    expect(calls()).toBe(1);
  });
});
