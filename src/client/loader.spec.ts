import { DumpLineError } from './dump-line.js';
import { ConnectionError, NotFoundError, UnavailableError } from './errors.js';
import { compareKeys } from './key-order.js';
import type { Line } from './line-reader.js';
import { Interrupted } from './cli-io.js';
import { loadDump, scanDump, type LoadTarget } from './loader.js';
import type { ListItem } from './types.js';

/** The target cluster in memory, recording what the load asked of it. */
class MemoryTarget implements LoadTarget {
  readonly store = new Map<string, string>();
  readonly gets: string[] = [];
  readonly puts: string[] = [];
  listings = 0;
  inFlight = 0;
  maxInFlight = 0;
  /** Keys whose put fails with this error. */
  readonly failing = new Map<string, Error>();
  private revision = 0;

  async get(key: string): Promise<ListItem> {
    this.gets.push(key);
    const value = this.store.get(key);
    if (value === undefined) throw new NotFoundError({ statusCode: 404, error: 'Not Found', message: 'not found' });
    return { key, value, revision: 1 };
  }

  async put(key: string, value: string): Promise<unknown> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      // Let other writes start, so concurrency is observable.
      await new Promise((resolve) => setImmediate(resolve));
      const failure = this.failing.get(key);
      if (failure) throw failure;
      this.puts.push(key);
      this.store.set(key, value);
      return { revision: ++this.revision };
    } finally {
      this.inFlight--;
    }
  }

  async *iterate(options: { prefix?: string }): AsyncGenerator<ListItem> {
    this.listings++;
    const keys = [...this.store.keys()].filter((k) => k.startsWith(options.prefix ?? '')).sort(compareKeys);
    for (const key of keys) yield { key, value: this.store.get(key), revision: 1 };
  }
}

function linesOf(entries: (object | string)[], lastTerminated = true): Line[] {
  return entries.map((entry, i) => ({
    number: i + 1,
    text: typeof entry === 'string' ? entry : JSON.stringify(entry),
    terminated: lastTerminated || i < entries.length - 1,
  }));
}

async function* slowly(lines: Line[], onLine?: (line: Line) => void): AsyncGenerator<Line> {
  for (const line of lines) {
    onLine?.(line);
    yield line;
  }
}

const entry = (i: number, value = `v${i}`) => ({ key: `k/${String(i).padStart(3, '0')}`, value, revision: i });
const unavailable = () => new UnavailableError({ statusCode: 503, error: 'Service Unavailable', message: 'partition 3 is unavailable' }, 1000);

describe(loadDump.name, () => {
  let target: MemoryTarget;
  const sut = (lines: Iterable<Line> | AsyncIterable<Line>, more: { concurrency?: number; signal?: AbortSignal } = {}) =>
    loadDump({
      target,
      lines: (async function* () {
        yield* lines;
      })(),
      concurrency: more.concurrency ?? 4,
      prefix: '',
      pageSize: 100,
      signal: more.signal,
    });

  beforeEach(() => {
    target = new MemoryTarget();
  });

  it('writes every entry into an empty target, with no GET per key', async () => {
    const entries = Array.from({ length: 50 }, (_, i) => entry(i));

    const report = await sut(linesOf(entries));

    expect(report).toEqual({ keys: 50, written: 50, skipped: 0, failed: 0, failures: [] });
    expect([...target.store.entries()]).toEqual(entries.map((e) => [e.key, e.value]));
    expect(target.gets).toEqual([]);
    expect(target.listings).toBe(1);
  });

  it('skips keys that already hold the value and overwrites those that differ', async () => {
    target.store.set('k/001', 'v1');
    target.store.set('k/002', 'stale');
    target.store.set('k/000x', 'unrelated');

    const report = await sut(linesOf([entry(0), entry(1), entry(2), entry(3)]));

    expect(report).toMatchObject({ keys: 4, written: 3, skipped: 1, failed: 0 });
    expect(target.puts.sort()).toEqual(['k/000', 'k/002', 'k/003']);
    expect(target.store.get('k/002')).toBe('v2');
    expect(target.gets).toEqual([]);
  });

  it('a second run over the same file writes nothing', async () => {
    const lines = linesOf(Array.from({ length: 20 }, (_, i) => entry(i)));
    await sut(lines);
    target.puts.length = 0;

    expect(await sut(lines)).toMatchObject({ keys: 20, written: 0, skipped: 20 });
    expect(target.puts).toEqual([]);
  });

  it('asks with a GET only for the lines that are out of order', async () => {
    target.store.set('k/001', 'v1');
    target.store.set('k/005', 'v5');

    const report = await sut(linesOf([entry(3), entry(5), entry(1), entry(2), entry(7)]));

    expect(report).toMatchObject({ keys: 5, written: 3, skipped: 2 });
    expect(target.gets).toEqual(['k/001', 'k/002']);
    expect(target.puts.sort()).toEqual(['k/002', 'k/003', 'k/007']);
  });

  it('writes a key the file repeats in file order: the last line wins', async () => {
    const report = await sut(linesOf([entry(1, 'first'), entry(1, 'second'), entry(1, 'third')]), { concurrency: 8 });

    expect(report).toMatchObject({ keys: 3, written: 3, failed: 0 });
    expect(target.store.get('k/001')).toBe('third');
  });

  it('never has more writes in flight than the concurrency', async () => {
    await sut(linesOf(Array.from({ length: 100 }, (_, i) => entry(i))), { concurrency: 5 });

    expect(target.maxInFlight).toBe(5);
  });

  it('reads the file only as fast as the writes drain', async () => {
    let read = 0;
    let readAhead = 0;
    const lines = linesOf(Array.from({ length: 100 }, (_, i) => entry(i)));
    const report = loadDump({
      target,
      lines: slowly(lines, () => {
        read++;
        readAhead = Math.max(readAhead, read - target.puts.length);
      }),
      concurrency: 5,
      prefix: '',
      pageSize: 100,
    });

    await report;
    // The writes in flight, plus the line waiting for a free slot.
    expect(readAhead).toBeLessThanOrEqual(6);
  });

  it('counts failed keys, keeps going, and reports the first ones', async () => {
    target.failing.set('k/001', unavailable());
    target.failing.set('k/003', unavailable());

    const report = await sut(linesOf([entry(0), entry(1), entry(2), entry(3), entry(4)]));

    expect(report).toMatchObject({ keys: 5, written: 3, skipped: 0, failed: 2 });
    expect(report.failures.map((f) => [f.line, f.key])).toEqual([
      [2, 'k/001'],
      [4, 'k/003'],
    ]);
    expect(report.stopped).toBeUndefined();
  });

  it('stops at a bad line: the lines before it are loaded, none after it', async () => {
    const lines = linesOf([entry(0), entry(1), '{"key":"k/002"', entry(3)]);

    const report = await sut(lines);

    expect(report.stopped).toBeInstanceOf(DumpLineError);
    expect((report.stopped as DumpLineError).line).toBe(3);
    expect([...target.store.keys()]).toEqual(['k/000', 'k/001']);
    expect(report).toMatchObject({ keys: 2, written: 2 });
  });

  it('hints that a file whose last line is cut short was truncated', async () => {
    const report = await sut(linesOf([entry(0), '{"key":"k/001","val'], false));

    expect((report.stopped as DumpLineError).message).toMatch(/^line 2: not JSON .*the last line has no newline: is the file cut short\?\)$/);
  });

  it('stops when the leader cannot be reached, after the writes in flight', async () => {
    target.failing.set('k/002', new ConnectionError('cannot reach http://x: connect ECONNREFUSED', 'ECONNREFUSED', false));
    const entries = Array.from({ length: 40 }, (_, i) => entry(i));

    const report = await sut(linesOf(entries), { concurrency: 2 });

    expect(report.stopped).toEqual({ fatal: expect.any(ConnectionError) });
    expect(report.keys).toBeLessThan(40);
    expect(report.written + report.failed).toBe(report.keys);
  });

  it('an interruption stops reading; the writes in flight finish and are counted', async () => {
    const controller = new AbortController();
    const lines = linesOf(Array.from({ length: 100 }, (_, i) => entry(i)));

    const report = await sut(
      slowly(lines, (line) => line.number === 30 && controller.abort()),
      { concurrency: 4, signal: controller.signal },
    );

    expect(report.stopped).toEqual(new Interrupted(29));
    expect(report).toMatchObject({ keys: 29, written: 29, failed: 0 });
    expect(target.store.size).toBe(29);
  });
});

describe(scanDump.name, () => {
  it('counts the entries and finds the prefix they all share', async () => {
    const lines = linesOf([entry(1), '', { key: 'k/2x', value: 'v' }, { key: 'k/10', value: 'v' }]);

    expect(await scanDump(lines)).toEqual({ keys: 3, prefix: 'k/' });
  });

  it('gives an empty prefix for an empty file', async () => {
    expect(await scanDump([])).toEqual({ keys: 0, prefix: '' });
  });

  it('throws at the first bad line', async () => {
    await expect(scanDump(linesOf([entry(1), '{"key":1}', 'nonsense']))).rejects.toEqual(
      new DumpLineError(2, '"key" must be a string'),
    );
  });
});
