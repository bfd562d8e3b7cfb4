import { setTimeout as sleepMs } from 'node:timers/promises';
import { ConnectionError, DistributedDbError, UnavailableError } from './errors.js';

/**
 * Retry with exponential backoff and full jitter (AWS architecture blog, "Exponential Backoff And
 * Jitter"): before retry n the client waits a uniformly random time in [0, min(max, base·2ⁿ)), so
 * clients that failed together do not come back together. Which failures are retried depends on
 * what a repeat could do to the data; the rule is spelled out in client.ts.
 */

/** What a call may change, which decides what it is safe to repeat. */
export type CallKind = 'read' | 'unconditional-write' | 'conditional-write';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export function shouldRetry(kind: CallKind, error: DistributedDbError): boolean {
  if (error instanceof ConnectionError) return kind === 'read' || !error.mayHaveReachedServer;
  if (error instanceof UnavailableError) return kind !== 'conditional-write' || error.outcome === 'not-applied';
  return false;
}

/**
 * The wait before retry number `retry` (0 for the first retry). `random` is in [0, 1). A server's
 * Retry-After hint is a lower bound, capped at maxDelayMs so that a hint cannot stall the caller.
 */
export function backoffDelayMs(retry: number, policy: RetryPolicy, random: number, retryAfterMs?: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  const jittered = Math.floor(random * ceiling);
  if (retryAfterMs === undefined) return jittered;
  return Math.max(jittered, Math.min(retryAfterMs, policy.maxDelayMs));
}

export interface RetryEnvironment {
  random: () => number;
  sleep: (ms: number) => Promise<unknown>;
}

export const REAL_TIME: RetryEnvironment = { random: Math.random, sleep: (ms) => sleepMs(ms) };

/** Runs `attempt` until it succeeds, fails in a way `kind` must not repeat, or runs out of retries. */
export async function withRetries<T>(
  kind: CallKind,
  policy: RetryPolicy,
  attempt: () => Promise<T>,
  env: RetryEnvironment = REAL_TIME,
): Promise<T> {
  for (let retry = 0; ; retry++) {
    try {
      return await attempt();
    } catch (error) {
      const retryable = error instanceof DistributedDbError && shouldRetry(kind, error);
      if (!retryable || retry >= policy.retries) throw error;
      const hint = error instanceof UnavailableError ? error.retryAfterMs : undefined;
      await env.sleep(backoffDelayMs(retry, policy, env.random(), hint));
    }
  }
}
