import { main } from './cli.js';
import { FakeLeader } from './testing/fake-leader.js';
import { runCli, type CliRun } from './testing/run-cli.js';

describe(main.name, () => {
  let leader: FakeLeader;

  beforeEach(async () => {
    leader = await FakeLeader.start();
  });

  afterEach(async () => {
    await leader.close();
  });

  function sut(argv: string[], env: Record<string, string> = { DDB_LEADER: leader.url }): Promise<CliRun> {
    return runCli(argv, env);
  }

  describe('put / get / del', () => {
    it('put prints the new revision and get prints the value', async () => {
      const put = await sut(['put', 'users/42', '{"name":"Ada"}']);
      const get = await sut(['get', 'users/42']);

      expect(put).toEqual({ code: 0, stdout: '1\n', stderr: '' });
      expect(get).toEqual({ code: 0, stdout: '{"name":"Ada"}\n', stderr: '' });
    });

    it('get of a missing key exits 1 with one line on stderr', async () => {
      expect(await sut(['get', 'nope'])).toEqual({ code: 1, stdout: '', stderr: 'ddb: key "nope" not found\n' });
    });

    it('del removes the key; a second del exits 1', async () => {
      leader.seed('k', 'v');

      expect(await sut(['del', 'k'])).toEqual({ code: 0, stdout: '', stderr: '' });
      expect(leader.peek('k')).toBeUndefined();
      expect((await sut(['del', 'k'])).code).toBe(1);
    });

    it('put --if-absent on an existing key exits 4 and names the current revision', async () => {
      const revision = leader.seed('lock', 'me');

      const run = await sut(['put', 'lock', 'you', '--if-absent']);

      expect(run.code).toBe(4);
      expect(run.stderr).toBe(`ddb: precondition failed: the key already exists (current revision is ${revision})\n`);
      expect(leader.peek('lock')?.value).toBe('me');
    });

    it('put --if-match writes at the current revision and exits 4 at a stale one', async () => {
      const revision = leader.seed('k', 'one');

      const ok = await sut(['put', 'k', 'two', '--if-match', String(revision)]);
      const stale = await sut(['put', 'k', 'three', '--if-match', String(revision)]);

      expect(ok).toEqual({ code: 0, stdout: `${revision + 1}\n`, stderr: '' });
      expect(stale.code).toBe(4);
      expect(leader.peek('k')?.value).toBe('two');
    });

    it('del --if-match at a stale revision exits 4 and keeps the key', async () => {
      const revision = leader.seed('k', 'v');

      expect((await sut(['del', 'k', '--if-match', String(revision + 1)])).code).toBe(4);
      expect(leader.peek('k')?.value).toBe('v');
    });

    it('a value that starts with "-" goes after --', async () => {
      expect((await sut(['put', 'n', '--', '-1'])).code).toBe(0);
      expect((await sut(['get', 'n'])).stdout).toBe('-1\n');
    });
  });

  describe('ls', () => {
    it('pages through every key under the prefix, one per line', async () => {
      const keys = Array.from({ length: 2500 }, (_, i) => `logs/${String(i).padStart(4, '0')}`);
      for (const key of [...keys].reverse()) leader.seed(key, 'x');
      leader.seed('other', 'x');

      const run = await sut(['ls', 'logs/']);

      expect(run.code).toBe(0);
      expect(run.stdout).toBe(`${keys.join('\n')}\n`);
      expect(leader.requests).toHaveLength(3);
    });

    it('--limit prints at most that many keys', async () => {
      for (const key of ['a', 'b', 'c', 'd']) leader.seed(key, 'x');

      expect(await sut(['ls', '--limit', '3'])).toEqual({ code: 0, stdout: 'a\nb\nc\n', stderr: '' });
    });

    it('prints nothing for an empty prefix match', async () => {
      expect(await sut(['ls', 'nothing/'])).toEqual({ code: 0, stdout: '', stderr: '' });
    });

    it('--json gives the items and a cursor that --cursor continues from', async () => {
      for (const key of ['a', 'b', 'c']) leader.seed(key, 'x');

      const first = JSON.parse((await sut(['ls', '--limit', '2', '--json'])).stdout) as {
        items: unknown[];
        nextCursor: string;
      };
      const rest = JSON.parse((await sut(['--json', 'ls', '--cursor', first.nextCursor])).stdout) as unknown;

      expect(first.items).toEqual([
        { key: 'a', revision: 1 },
        { key: 'b', revision: 2 },
      ]);
      expect(typeof first.nextCursor).toBe('string');
      expect(rest).toEqual({ items: [{ key: 'c', revision: 3 }], nextCursor: null });
    });
  });

  describe('cluster', () => {
    beforeEach(() => {
      leader.cluster = {
        leader: { id: 'leader-1', url: 'http://127.0.0.1:4000', ready: true, revision: 0 },
        partitionCount: 4,
        replicationFactor: 1,
        nodes: [
          {
            id: 'storage-1',
            role: 'storage',
            url: 'http://127.0.0.1:4101',
            status: 'SUSPECT',
            usedBytes: 5 * 1024 * 1024,
            capacityBytes: 20 * 1024 * 1024,
            keyCount: 42,
            partitions: 3,
          },
        ],
        partitions: [{ partition: 2, epoch: 3, replicas: ['storage-1'], state: 'unavailable' }],
        unplaced: [3],
      };
    });

    it('prints a table of nodes and the partition health', async () => {
      const run = await sut(['cluster']);

      expect(run.code).toBe(0);
      expect(run.stdout.split('\n')).toEqual([
        'leader: leader-1 (http://127.0.0.1:4000)',
        '',
        'NODE       ROLE     STATUS   USED / CAPACITY         KEYS  PARTITIONS  URL',
        'storage-1  storage  SUSPECT  5.0 MiB / 20 MiB (25%)    42           3  http://127.0.0.1:4101',
        '',
        'partitions: 4 total, 3 placed, 1 unplaced; replication factor 1',
        'unplaced (1): 3',
        'unavailable (1): 2',
        '',
      ]);
    });

    it("--json prints the leader's document unchanged", async () => {
      const run = await sut(['cluster', '--json']);

      expect(JSON.parse(run.stdout)).toEqual(leader.cluster);
    });
  });

  describe('drain', () => {
    beforeEach(() => {
      leader.cluster.nodes = [
        { id: 'storage-1', role: 'storage', url: 'http://127.0.0.1:4101', status: 'UP', partitions: 3 },
        { id: 'storage-2', role: 'storage', url: 'http://127.0.0.1:4102', status: 'UP', partitions: 0 },
      ];
    });

    it('drains a node and says how many partitions are left to move', async () => {
      const run = await sut(['drain', 'storage-1']);
      expect(run).toMatchObject({ code: 0, stdout: 'storage-1 is draining: 3 partition(s) still to move (see ddb cluster)\n' });
      expect(leader.cluster.nodes[0].draining).toBe(true);
    });

    it('says when a node is drained, and --undo stops draining', async () => {
      expect((await sut(['drain', 'storage-2'])).stdout).toBe('storage-2 is drained: it holds no replicas\n');
      expect(await sut(['drain', 'storage-2', '--undo'])).toMatchObject({ code: 0, stdout: 'storage-2 is not draining\n' });
    });

    it('exits 1 for an unknown node', async () => {
      const run = await sut(['drain', 'nope']);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('nope');
    });
  });

  describe('--json', () => {
    it('put and get print one JSON document each', async () => {
      const put = await sut(['--json', 'put', 'k', 'v']);
      const get = await sut(['--json', 'get', 'k']);

      expect(JSON.parse(put.stdout)).toEqual({ key: 'k', revision: 1, created: true });
      expect(JSON.parse(get.stdout)).toEqual({ key: 'k', value: 'v', revision: 1 });
    });

    it('a failure is one JSON line on stderr, with the current revision of a 412', async () => {
      leader.seed('k', 'v');

      const run = await sut(['put', 'k', 'w', '--if-match', '7', '--json']);

      expect(run.code).toBe(4);
      expect(run.stdout).toBe('');
      expect(run.stderr.endsWith('\n') && run.stderr.split('\n')).toHaveLength(2);
      expect(JSON.parse(run.stderr)).toEqual({
        error: {
          name: 'PreconditionFailedError',
          message: 'precondition failed: revision is 1, not "7" (current revision is 1)',
          exitCode: 4,
          status: 412,
          currentRevision: 1,
        },
      });
    });
  });

  describe('connection and authentication', () => {
    it('--leader overrides DDB_LEADER', async () => {
      leader.seed('k', 'v');

      const run = await sut(['--leader', leader.url, 'get', 'k'], { DDB_LEADER: 'http://127.0.0.1:9' });

      expect(run.stdout).toBe('v\n');
    });

    it('without the token exits 5; --token or DDB_TOKEN gets through', async () => {
      const guarded = await FakeLeader.start({ token: 'secret-token' });
      try {
        const env = { DDB_LEADER: guarded.url };
        const denied = await sut(['put', 'k', 'v'], env);
        const byFlag = await sut(['--token', 'secret-token', 'put', 'k', 'v'], env);
        const byEnv = await sut(['get', 'k'], { ...env, DDB_TOKEN: 'secret-token' });

        expect(denied).toEqual({
          code: 5,
          stdout: '',
          stderr: 'ddb: unauthorized: missing or invalid API token (pass --token or set DDB_TOKEN)\n',
        });
        expect(byFlag).toEqual({ code: 0, stdout: '1\n', stderr: '' });
        expect(byEnv).toEqual({ code: 0, stdout: 'v\n', stderr: '' });
      } finally {
        await guarded.close();
      }
    });

    it('retries a 503 and succeeds', async () => {
      leader.seed('k', 'v');
      leader.failNext({ status: 503, retryAfterSeconds: 1 });

      expect(await sut(['get', 'k'])).toEqual({ code: 0, stdout: 'v\n', stderr: '' });
    });

    it('exits 3 when the partition stays unavailable', async () => {
      leader.failNext(...Array.from({ length: 4 }, () => ({ status: 503, message: 'partition 2 is unavailable' })));

      expect(await sut(['get', 'k'])).toEqual({
        code: 3,
        stdout: '',
        stderr: 'ddb: unavailable: partition 2 is unavailable\n',
      });
      expect(leader.requests).toHaveLength(4);
    });

    it('exits 3 with one line when the leader is not listening', async () => {
      const url = leader.url;
      await leader.close();
      leader = await FakeLeader.start();

      const run = await sut(['--retries', '0', 'cluster'], { DDB_LEADER: url });

      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/^ddb: cannot reach http:\/\/127\.0\.0\.1:\d+: connect ECONNREFUSED [^\n]+\n$/);
    });

    it('an unexpected server error exits 6', async () => {
      leader.failNext({ status: 500, message: 'internal error' });

      expect(await sut(['get', 'k'])).toEqual({
        code: 6,
        stdout: '',
        stderr: 'ddb: server error 500: internal error\n',
      });
    });
  });

  describe('usage', () => {
    it.each([
      [['get'], "ddb: missing required argument 'key'\n"],
      [['bogus'], "ddb: unknown command 'bogus'\n"],
      [
        ['put', 'k', 'v', '--if-match', 'abc'],
        "ddb: option '--if-match <revision>' argument 'abc' is invalid. expected an integer ≥ 0\n",
      ],
      [
        ['put', 'k', 'v', '--if-match', '1', '--if-absent'],
        "ddb: option '--if-absent' cannot be used with option '--if-match <revision>'\n",
      ],
      [['ls', '--limit', '0'], "ddb: option '--limit <n>' argument '0' is invalid. expected an integer ≥ 1\n"],
      [['get', '..'], 'ddb: invalid request: the key ".." cannot be addressed in a URL\n'],
      [['--leader', 'localhost:4000', 'get', 'k'], 'ddb: invalid leader URL: not an http(s) URL: "localhost:4000"\n'],
    ])('%j exits 2: %s', async (argv, stderr) => {
      expect(await sut(argv)).toEqual({ code: 2, stdout: '', stderr });
      expect(leader.requests).toHaveLength(0);
    });

    it('no command prints the help on stderr and exits 2', async () => {
      const run = await sut([]);

      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain('Usage: ddb [options] [command]');
    });

    it('--help lists the commands and the exit codes on stdout and exits 0', async () => {
      const run = await sut(['--help']);

      expect(run.code).toBe(0);
      for (const text of [
        'put [options] <key> <value>',
        'get <key>',
        'ls [options] [prefix]',
        'del [options] <key>',
        'cluster',
        'dump [options] [prefix]',
        'load [options] <file>',
      ]) {
        expect(run.stdout).toContain(text);
      }
      expect(run.stdout).toMatch(/Exit codes:\n  0 +ok\n  1 +not found/);
      for (const code of ['2    usage error', '3    unavailable', '4    precondition failed', '5    unauthorized', '130  interrupted']) {
        expect(run.stdout).toContain(code);
      }
    });

    it('put --help describes the conditions', async () => {
      const run = await sut(['put', '--help']);

      expect(run.code).toBe(0);
      expect(run.stdout).toContain('--if-absent');
    });
  });
});
