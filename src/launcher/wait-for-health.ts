import { get } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitOptions {
  /** Give up after this long, with an error that says so. */
  readonly timeoutMs: number;
  /** Pause between two attempts. */
  readonly intervalMs?: number;
  /** Stops the polling early (the caller lost interest, e.g. the process died). */
  readonly signal?: AbortSignal;
}

/**
 * Polls `url` until it answers 200, with a deadline. Resolves true when it did; resolves false if
 * `signal` aborted first; rejects when the deadline passed.
 */
export async function waitForHealth(url: string, options: WaitOptions): Promise<boolean> {
  const deadline = Date.now() + options.timeoutMs;
  let last = 'no answer yet';
  while (!options.signal?.aborted) {
    try {
      const status = await statusOf(url, 1000, options.signal);
      if (status === 200) return true;
      last = `status ${status}`;
    } catch (error) {
      last = describe(error);
    }
    if (Date.now() >= deadline) {
      throw new Error(`GET ${url} did not answer 200 within ${options.timeoutMs / 1000} s (last: ${last})`);
    }
    await sleep(options.intervalMs ?? 100);
  }
  return false;
}

/**
 * One GET, answering its status. node:http rather than fetch(): fetch refuses the ports the Fetch
 * standard blocks (6000, 6665-6669, …), which are fine for a local cluster.
 */
function statusOf(url: string, timeoutMs: number, signal?: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = get(url, { agent: false, timeout: timeoutMs, signal }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', reject);
  });
}

function describe(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string') return code;
  return typeof message === 'string' ? message : String(error);
}
