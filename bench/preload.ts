/**
 * Writes keys through a system's public API, as fast as it takes them: `connections` requests in
 * flight over an undici Pool with keep-alive. A write that fails (a timeout, a 503 under
 * overload) is sent again, up to MAX_ATTEMPTS; the report says how many needed it. The value is
 * idempotent, so a re-sent write leaves the same data.
 */
import { Pool } from 'undici';
import type { Dialect } from './workloads.js';

const MAX_ATTEMPTS = 5;

export interface LoadReport {
  readonly keys: number;
  readonly seconds: number;
  readonly perSecond: number;
  /** Writes that had to be sent more than once. */
  readonly retried: number;
}

export interface LoadOptions {
  readonly connections: number;
  /** Called about once a second with the number of keys written so far. */
  readonly onProgress?: (done: number) => void;
}

/** Writes keyOf(from) … keyOf(to - 1), each with `value`. */
export async function loadKeys(
  url: string,
  dialect: Dialect,
  keyOf: (index: number) => string,
  range: { from: number; to: number },
  value: string,
  options: LoadOptions,
): Promise<LoadReport> {
  const pool = new Pool(url, { connections: options.connections, headersTimeout: 30_000, bodyTimeout: 30_000 });
  const prepared = dialect.prepareValue(value);
  const started = performance.now();
  let next = range.from;
  let done = 0;
  let retried = 0;
  let failed = false;
  const progress = options.onProgress && setInterval(() => options.onProgress?.(done), 1000);

  const writeOne = async (key: string): Promise<void> => {
    const request = dialect.put(key, prepared);
    let last = '';
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      if (attempt === 2) retried += 1;
      try {
        const answer = await pool.request({
          path: request.path ?? '/',
          method: (request.method ?? 'GET') as 'PUT' | 'POST',
          headers: request.headers,
          body: request.body,
        });
        const text = await answer.body.text();
        if (answer.statusCode >= 200 && answer.statusCode < 300) return;
        last = `status ${answer.statusCode}: ${text.slice(0, 200)}`;
      } catch (error) {
        last = error instanceof Error ? error.message : String(error);
      }
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
    throw new Error(`writing ${key} failed ${MAX_ATTEMPTS} times; last: ${last}`);
  };

  try {
    await Promise.all(
      Array.from({ length: Math.min(options.connections, range.to - range.from) }, async () => {
        while (next < range.to && !failed) {
          try {
            await writeOne(keyOf(next++));
          } catch (error) {
            failed = true;
            throw error;
          }
          done += 1;
        }
      }),
    );
  } finally {
    if (progress) clearInterval(progress);
    await pool.close();
  }
  const seconds = (performance.now() - started) / 1000;
  return { keys: done, seconds, perSecond: done / seconds, retried };
}
