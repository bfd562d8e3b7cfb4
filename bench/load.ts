/**
 * The load generator: autocannon as a library, the same settings for every system. Latencies are
 * taken from autocannon's per-response event in fractions of a millisecond (its own histogram
 * keeps whole milliseconds, too coarse for a sub-millisecond ceiling).
 */
import autocannon from 'autocannon';
import type { RawRun } from './report.js';
import type { Workload } from './workloads.js';

export interface LoadSettings {
  readonly url: string;
  readonly connections: number;
  readonly seconds: number;
  /** Seconds after which one request counts as a timeout (an error). */
  readonly timeoutSeconds: number;
}

/** Growable array of latencies in ms. */
class Latencies {
  private values = new Float64Array(1 << 16);
  private size = 0;

  add(ms: number): void {
    if (this.size === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.size++] = ms;
  }

  sorted(): Float64Array {
    return this.values.slice(0, this.size).sort();
  }
}

let running: autocannon.Instance | undefined;

/** Stops the run in progress (Ctrl-C): it then ends at once with what it has. */
export function stopRunningLoad(): void {
  running?.stop();
}

export async function runLoad(settings: LoadSettings, work: Workload): Promise<RawRun> {
  const latencies = new Latencies();
  const missingBefore = work.missing();
  const instance = autocannon({
    url: settings.url,
    connections: settings.connections,
    duration: settings.seconds,
    timeout: settings.timeoutSeconds,
    requests: work.requests,
  });
  running = instance;
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (status >= 200 && status < 300) latencies.add(ms);
  });
  try {
    const result = await instance;
    const statusCounts: Record<string, number> = {};
    for (const [status, { count }] of Object.entries(result.statusCodeStats)) statusCounts[status] = count;
    return {
      seconds: result.duration,
      ok: result['2xx'],
      non2xx: result.non2xx,
      statusCounts,
      errors: result.errors - result.timeouts,
      timeouts: result.timeouts,
      missing: work.missing() - missingBefore,
      latenciesMs: latencies.sorted(),
    };
  } finally {
    running = undefined;
  }
}
