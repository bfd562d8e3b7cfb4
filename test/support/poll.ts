/**
 * Polling with a deadline: the tests' only way to wait for something asynchronous (a scheduled
 * refresh, a node noticing a change). Never a fixed sleep: the wait ends as soon as the condition
 * holds, and fails with a message saying what was awaited and what was last seen.
 */
export interface PollOptions {
  /** Give up after this long. */
  timeoutMs?: number;
  /** Pause between two probes. */
  intervalMs?: number;
}

type Done<T> = Exclude<T, undefined | null | false>;

/**
 * Calls `probe` until it returns something other than undefined, null or false, and returns that.
 * A probe that throws counts as "not yet"; its last error is reported if the deadline passes.
 */
export async function waitFor<T>(
  description: string,
  probe: () => Promise<T> | T,
  { timeoutMs = 5000, intervalMs = 20 }: PollOptions = {},
): Promise<Done<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value as Done<T>;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() >= deadline) {
      const seen = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${description} (last seen: ${seen})`);
    }
    await new Promise<void>((resolve) => setTimeout(resolve, intervalMs));
  }
}
