import { Interrupted } from './cli-io.js';
import { DumpLineError, parseDumpLine, type DumpEntry } from './dump-line.js';
import { ConnectionError, NotFoundError, UnauthorizedError } from './errors.js';
import { commonPrefix } from './key-order.js';
import type { Line } from './line-reader.js';
import { holdsValue, MergeJoin, type Lookup } from './merge-join.js';
import type { ListItem } from './types.js';

/**
 * `ddb load`: writes the entries of a dump into a cluster with at most `concurrency` writes in
 * flight, reading the file only as fast as the writes drain, so memory stays flat however big
 * the file. A key the target already holds with the same value is skipped (merge-join.ts), which
 * makes a load resumable: run it again after an interruption and only what is missing is written.
 */

export interface LoadCounts {
  /** Entries read from the file so far. */
  keys: number;
  written: number;
  /** The target already held the value. */
  skipped: number;
  failed: number;
}

export interface LoadFailure {
  line: number;
  key: string;
  error: unknown;
}

export interface LoadReport extends LoadCounts {
  /** The first failed writes (at most MAX_FAILURES_KEPT), in the order they failed. */
  failures: LoadFailure[];
  /** Why the load ended before the end of the file: a bad line, a fatal error, or an interruption. */
  stopped?: DumpLineError | Interrupted | { fatal: unknown };
}

export const MAX_FAILURES_KEPT = 20;

/** The parts of the SDK a load uses. */
export interface LoadTarget {
  get(key: string): Promise<ListItem>;
  put(key: string, value: string): Promise<unknown>;
  iterate(options: { prefix?: string; values?: boolean; pageSize?: number }): AsyncIterable<ListItem>;
}

export interface LoadOptions {
  target: LoadTarget;
  lines: AsyncIterable<Line>;
  concurrency: number;
  /** The range the target's listing is walked over: a prefix every key of the file has. */
  prefix: string;
  pageSize: number;
  onProgress?: (counts: LoadCounts) => void;
  signal?: AbortSignal;
}

export async function loadDump(options: LoadOptions): Promise<LoadReport> {
  const { target, concurrency } = options;
  const report: LoadReport = { keys: 0, written: 0, skipped: 0, failed: 0, failures: [] };
  const listing = target.iterate({ prefix: options.prefix, values: true, pageSize: options.pageSize });
  const join = new MergeJoin(listing[Symbol.asyncIterator](), options.prefix);
  const inFlight = new Set<Promise<void>>();
  // The last write of each key still in flight: a key the file repeats waits for the earlier write.
  const lastWrite = new Map<string, Promise<void>>();
  const { onProgress } = options;
  const progress = () => {
    const { keys, written, skipped, failed } = report;
    onProgress?.({ keys, written, skipped, failed });
  };
  let fatal: unknown;

  const write = async (entry: DumpEntry, line: number, lookup: Lookup, previous?: Promise<void>) => {
    try {
      await previous;
      const current = lookup.known ? lookup.current : await currentEntry(target, entry.key);
      if (holdsValue(current, entry.value)) report.skipped++;
      else {
        await target.put(entry.key, entry.value);
        report.written++;
      }
    } catch (error) {
      if (isFatal(error)) fatal ??= error;
      report.failed++;
      if (report.failures.length < MAX_FAILURES_KEPT) report.failures.push({ line, key: entry.key, error });
    }
  };

  try {
    for await (const line of options.lines) {
      if (fatal !== undefined) break;
      if (options.signal?.aborted) {
        report.stopped = new Interrupted(line.number - 1);
        break;
      }
      const entry = parseLine(line);
      if (entry === null) continue;
      report.keys++;
      const lookup = await join.lookup(entry.key);
      if (lookup.known && holdsValue(lookup.current, entry.value)) {
        report.skipped++;
        progress();
        continue;
      }
      while (inFlight.size >= concurrency) await Promise.race(inFlight);
      const task: Promise<void> = write(entry, line.number, lookup, lastWrite.get(entry.key)).finally(() => {
        inFlight.delete(task);
        if (lastWrite.get(entry.key) === task) lastWrite.delete(entry.key);
        progress();
      });
      inFlight.add(task);
      lastWrite.set(entry.key, task);
    }
  } catch (error) {
    // A bad line, or the target's listing failed: nothing after this line is written.
    report.stopped = error instanceof DumpLineError ? error : { fatal: error };
  } finally {
    await Promise.all(inFlight);
    await join.close().catch(() => undefined);
  }
  if (fatal !== undefined && report.stopped === undefined) report.stopped = { fatal };
  return report;
}

/**
 * A failure that every later write would hit too: the leader cannot be reached (after the SDK's
 * retries) or refuses the token. The load stops instead of failing each remaining key.
 */
function isFatal(error: unknown): boolean {
  return error instanceof ConnectionError || error instanceof UnauthorizedError;
}

function parseLine(line: Line): DumpEntry | null {
  try {
    return parseDumpLine(line.text, line.number);
  } catch (error) {
    if (error instanceof DumpLineError && !line.terminated) {
      throw new DumpLineError(line.number, `${error.problem} (the last line has no newline: is the file cut short?)`);
    }
    throw error;
  }
}

async function currentEntry(target: LoadTarget, key: string): Promise<ListItem | null> {
  try {
    return await target.get(key);
  } catch (error) {
    if (error instanceof NotFoundError) return null;
    throw error;
  }
}

/** What a first pass over a file learns before anything is written. Throws DumpLineError. */
export interface DumpScan {
  keys: number;
  /** The longest prefix all keys share: the only range of the target a load needs to look at. */
  prefix: string;
}

export async function scanDump(lines: AsyncIterable<Line> | Iterable<Line>): Promise<DumpScan> {
  let keys = 0;
  let prefix: string | undefined;
  for await (const line of lines) {
    const entry = parseLine(line);
    if (entry === null) continue;
    keys++;
    prefix = prefix === undefined ? entry.key : commonPrefix(prefix, entry.key);
  }
  return { keys, prefix: prefix ?? '' };
}
