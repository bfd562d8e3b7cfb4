import { EventEmitter } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { main } from './cli.js';
import { FakeLeader } from './testing/fake-leader.js';
import { runCli } from './testing/run-cli.js';

// `ddb dump` and `ddb load` in process against fake leaders (the real cluster runs in test/cluster).
describe('ddb dump / ddb load', () => {
  let source: FakeLeader;
  let target: FakeLeader;
  let dir: string;
  const on = (leader: FakeLeader) => ({ DDB_LEADER: leader.url });
  const entries = (leader: FakeLeader, keys: string[]) => keys.map((key) => [key, leader.peek(key)?.value]);

  beforeEach(async () => {
    [source, target] = await Promise.all([FakeLeader.start(), FakeLeader.start()]);
    dir = await mkdtemp(join(tmpdir(), 'ddb-load-'));
  });

  afterEach(async () => {
    await Promise.all([source.close(), target.close(), rm(dir, { recursive: true, force: true })]);
  });

  async function dumpFile(prefix = 'p/', name = 'dump.jsonl'): Promise<string> {
    const run = await runCli(['dump', prefix, '--page-size', '2'], on(source));
    expect(run.code).toBe(0);
    const file = join(dir, name);
    await writeFile(file, run.stdout);
    return file;
  }

  it('an unusable --leader is a usage error for dump and load alike, and nothing starts', async () => {
    const expected = { code: 2, stdout: '', stderr: 'ddb: invalid leader URL: not an http(s) URL: "localhost:4000"\n' };

    expect(await runCli(['--leader', 'localhost:4000', 'dump'], {})).toEqual(expected);
    expect(await runCli(['--leader', 'localhost:4000', 'load', '-'], {}, { stdin: Readable.from([]) })).toEqual(expected);
  });

  describe('dump', () => {
    it('prints every key under the prefix as one JSON line each, in key order, page after page', async () => {
      source.seed('p/b', 'two');
      source.seed('p/a', '{"json":"inside"}');
      source.seed('p/c', 'line\nbreak');
      source.seed('q/x', 'not under p/');

      const run = await runCli(['dump', 'p/', '--page-size', '2'], on(source));

      expect(run.code).toBe(0);
      expect(run.stdout.split('\n')).toEqual([
        '{"key":"p/a","value":"{\\"json\\":\\"inside\\"}","revision":2}',
        '{"key":"p/b","value":"two","revision":1}',
        '{"key":"p/c","value":"line\\nbreak","revision":3}',
        '',
      ]);
      expect(run.stderr).toMatch(/^ddb: dumped 3 key\(s\) under "p\/" in [\d.]+ s\n$/);
      expect(source.requests.map((r) => r.url)).toEqual([
        '/kv?prefix=p%2F&limit=2&values=true',
        expect.stringMatching(/^\/kv\?prefix=p%2F&limit=2&cursor=[\w-]+&values=true$/),
      ]);
    });

    it('--json: stdout is the same dump, and the summary on stderr is JSON', async () => {
      source.seed('k', 'v');

      const run = await runCli(['--json', 'dump'], on(source));

      expect(run.stdout).toBe('{"key":"k","value":"v","revision":1}\n');
      expect(JSON.parse(run.stderr)).toEqual({ dumped: { keys: 1, prefix: '', seconds: expect.any(Number), complete: true } });
    });

    it('exits 3 and says the dump is incomplete when the leader stays unavailable', async () => {
      source.failNext(...Array.from({ length: 4 }, () => ({ status: 503, message: 'leader is not ready' })));

      const run = await runCli(['dump'], on(source));

      expect(run.code).toBe(3);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^ddb: unavailable: leader is not ready\nddb: dump incomplete: 0 key\(s\) in [\d.]+ s\n$/);
    });

    it('stops quietly when the reader of stdout goes away (ddb dump | head)', async () => {
      for (let i = 0; i < 10; i++) source.seed(`k${i}`, 'v');
      const closedPipe = Object.assign(new EventEmitter(), {
        write(this: EventEmitter): boolean {
          setImmediate(() => this.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })));
          return false;
        },
      });
      let stderr = '';

      const code = await main(['dump', '--page-size', '2'], {
        stdout: closedPipe,
        stderr: { write: (text: string) => (stderr += text) },
        env: on(source),
      });

      expect(code).toBe(0);
      expect(stderr).toBe('');
      expect(source.requests).toHaveLength(1);
    });
  });

  describe('load', () => {
    it('loads a dump into an empty cluster: same keys, same values', async () => {
      const keys = ['p/a', 'p/b', 'p/c', 'p/d', 'p/e'];
      keys.forEach((key, i) => source.seed(key, `value ${i}`));

      const run = await runCli(['load', await dumpFile()], on(target));

      expect(run).toEqual({
        code: 0,
        stdout: expect.stringMatching(/dump\.jsonl: 5 key\(s\) read, 5 written, 0 skipped \(already held the value\), 0 failed; loaded in [\d.]+ s\n$/),
        stderr: '',
      });
      expect(entries(target, keys)).toEqual(entries(source, keys));
    });

    it('run again, skips every key, with one listing request and no GET per key', async () => {
      for (const key of ['p/a', 'p/b', 'p/c']) source.seed(key, `v of ${key}`);
      const file = await dumpFile();
      await runCli(['load', file], on(target));
      target.requests.length = 0;

      const again = await runCli(['--json', 'load', file], on(target));

      expect(JSON.parse(again.stdout)).toEqual({
        source: file,
        keys: 3,
        written: 0,
        skipped: 3,
        failed: 0,
        complete: true,
        seconds: expect.any(Number),
        failures: [],
      });
      expect(target.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /kv?prefix=p%2F&limit=500&values=true']);
    });

    it('overwrites a key whose value differs and keeps the others', async () => {
      for (const key of ['p/a', 'p/b']) source.seed(key, 'dumped');
      target.seed('p/a', 'dumped');
      target.seed('p/b', 'changed since');

      const run = await runCli(['--json', 'load', await dumpFile()], on(target));

      expect(JSON.parse(run.stdout)).toMatchObject({ keys: 2, written: 1, skipped: 1 });
      expect(target.peek('p/b')?.value).toBe('dumped');
    });

    it('reads standard input with "-"', async () => {
      const stdin = Readable.from(['{"key":"a","value":"1"}\n{"key":"b",', '"value":"2"}\n']);

      const run = await runCli(['load', '-'], on(target), { stdin });

      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^stdin: 2 key\(s\) read, 2 written/);
      expect(target.peek('b')?.value).toBe('2');
    });

    it('a bad line in a file exits 2 with its line number and loads nothing', async () => {
      const file = join(dir, 'bad.jsonl');
      await writeFile(file, '{"key":"a","value":"1"}\n{"key":"b","value":"2"}\n{"key":"c","value":3}\n{"key":"d","value":"4"}\n');

      const run = await runCli(['load', file], on(target));

      expect(run).toEqual({
        code: 2,
        stdout: '',
        stderr: `ddb: line 3: "value" of "c" must be a string\nddb: nothing was loaded from ${file}\n`,
      });
      expect(target.requests).toEqual([]);
    });

    it('a bad line on stdin exits 2: the lines before it are loaded, none after it', async () => {
      const stdin = Readable.from(['{"key":"a","value":"1"}\n{"key":"b","value":"2"}\nnot json\n{"key":"d","value":"4"}\n']);

      const run = await runCli(['load', '-'], on(target), { stdin });

      expect(run.code).toBe(2);
      expect(run.stdout).toMatch(/^stdin: 2 key\(s\) read, 2 written, 0 skipped .* 0 failed; stopped early in/);
      expect(run.stderr).toMatch(/^ddb: line 3: not JSON \(.*\)\nddb: stopped at line 3: nothing after it was written\n$/);
      expect([target.peek('a')?.value, target.peek('b')?.value, target.peek('d')]).toEqual(['1', '2', undefined]);
    });

    it('--json: a bad line is a JSON error on stderr with the line number', async () => {
      const stdin = Readable.from(['{"key":"a"}\n']);

      const run = await runCli(['--json', 'load', '-'], on(target), { stdin });

      expect(run.code).toBe(2);
      expect(JSON.parse(run.stdout)).toMatchObject({ keys: 0, complete: false });
      expect(JSON.parse(run.stderr)).toEqual({
        error: { name: 'DumpLineError', message: 'line 1: "value" of "a" must be a string', exitCode: 2, line: 1 },
      });
    });

    it('a file that cannot be read exits 2', async () => {
      const run = await runCli(['load', join(dir, 'missing.jsonl')], on(target));

      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^ddb: cannot read .*missing\.jsonl: ENOENT: no such file or directory, open '.*'\n$/);
    });

    it('exits 3 and stops when the leader cannot be reached', async () => {
      const file = join(dir, 'f.jsonl');
      await writeFile(file, '{"key":"a","value":"1"}\n');
      const url = target.url;
      await target.close();
      target = await FakeLeader.start();

      const run = await runCli(['--retries', '0', 'load', file], { DDB_LEADER: url });

      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/^ddb: cannot reach http:\/\/127\.0\.0\.1:\d+: connect ECONNREFUSED .*\nddb: stopped; run the same command again/);
    });

    it('failed keys are counted and listed; the load goes on and exits with their code', async () => {
      const stdin = Readable.from(['{"key":"a","value":"1"}\n{"key":"b","value":"2"}\n']);
      // Every attempt at the first write (1 + 3 retries) answers 503.
      target.failNextOf('PUT', ...Array.from({ length: 4 }, () => ({ status: 503, message: 'partition 7 is unavailable' })));

      const run = await runCli(['--json', 'load', '-', '--concurrency', '1'], on(target), { stdin });

      expect(run.code).toBe(3);
      expect(JSON.parse(run.stdout)).toMatchObject({
        keys: 2,
        written: 1,
        failed: 1,
        failures: [{ line: 1, key: 'a', message: 'unavailable: partition 7 is unavailable', exitCode: 3 }],
      });
      expect(target.peek('b')?.value).toBe('2');
    });

    it('Ctrl-C stops reading; the writes in flight finish; exit 130 and running it again loads the rest', async () => {
      const interrupt = new AbortController();
      const lines = Array.from({ length: 50 }, (_, i) => `{"key":"k${String(i).padStart(2, '0')}","value":"v"}\n`);
      async function* typed(): AsyncGenerator<string> {
        for (const [i, line] of lines.entries()) {
          if (i === 20) interrupt.abort();
          yield line;
        }
      }

      const first = await runCli(['--json', 'load', '-'], on(target), { stdin: typed(), interrupt: interrupt.signal });
      const second = await runCli(['--json', 'load', '-'], on(target), { stdin: Readable.from(lines) });

      expect(first.code).toBe(130);
      expect(JSON.parse(first.stdout)).toMatchObject({ keys: 20, written: 20, complete: false });
      expect(JSON.parse(first.stderr)).toMatchObject({ error: { name: 'Interrupted', exitCode: 130, line: 20 } });
      expect(JSON.parse(second.stdout)).toMatchObject({ keys: 50, written: 30, skipped: 20, complete: true });
    });

    it('draws a progress bar on stderr when it is a terminal, and nothing when it is not', async () => {
      for (const key of ['p/a', 'p/b']) source.seed(key, 'v');
      const file = await dumpFile();

      const tty = await runCli(['load', file], on(target), { stderrIsTTY: true });
      const piped = await runCli(['load', file], on(target));

      expect(tty.stderr).toContain('load [');
      expect(tty.stderr).toContain('100% | 2/2 keys | 2 written, 0 skipped, 0 failed');
      expect(piped.stderr).toBe('');
    });
  });
});
