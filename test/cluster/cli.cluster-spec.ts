import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DistributedDbClient } from '../../src/client/index.js';
import { partitionOf } from '../../src/common/hash.js';
import type { TestCluster } from '../support/cluster.js';
import { itWithNodeLogs, startClientCluster, waitUntilReady } from '../support/client-cluster.js';
import { ddb, type DdbRun } from '../support/ddb-process.js';

// The built `ddb` binary, run as a user runs it, against real processes: output and exit codes.
const TOKEN = 'cli-cluster-token';
/** Each `ddb` run starts a Node process (about 0.3 s idle, seconds on a busy machine). */
const SLOW = 30_000;

describe('ddb (node bin/ddb.js) against a real cluster', () => {
  let cluster: TestCluster;
  let sdk: DistributedDbClient;
  let dir: string;
  const scenario = itWithNodeLogs(() => [cluster]);
  const run = (args: string[], stdin?: string): Promise<DdbRun> =>
    ddb(args, { env: { DDB_LEADER: cluster.leader.url, DDB_TOKEN: TOKEN }, stdin });
  const json = (text: string): unknown => JSON.parse(text);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ddb-cli-'));
    cluster = await startClientCluster('cli', 2, { API_TOKEN: TOKEN });
    sdk = new DistributedDbClient({ url: cluster.leader.url, token: TOKEN });
  }, 180_000);

  afterAll(async () => {
    await cluster?.stopAll();
    if (dir) await rm(dir, { recursive: true, force: true });
  });


  scenario('0: put prints the revision, get the value; --json gives documents that parse', async () => {
    const put = await run(['put', 'cli/user', '{"name":"Ada"}']);
    const get = await run(['get', 'cli/user']);
    const putJson = await run(['--json', 'put', 'cli/user', 'v2']);
    const getJson = await run(['get', 'cli/user', '--json']);

    const revision = Number(put.stdout);
    expect(put).toMatchObject({ code: 0, stdout: `${revision}\n`, stderr: '' });
    expect(revision).toBeGreaterThan(0);
    expect(get).toMatchObject({ code: 0, stdout: '{"name":"Ada"}\n', stderr: '' });
    expect(json(putJson.stdout)).toEqual({ key: 'cli/user', revision: expect.any(Number), created: false });
    expect(json(getJson.stdout)).toEqual({ key: 'cli/user', value: 'v2', revision: (json(putJson.stdout) as { revision: number }).revision });
  }, SLOW);

  scenario('0: ls lists keys one per line, --json with revisions; del removes a key', async () => {
    for (const key of ['cli/ls/a', 'cli/ls/b', 'cli/ls/c']) await sdk.put(key, 'x');

    const ls = await run(['ls', 'cli/ls/']);
    const lsJson = await run(['--json', 'ls', 'cli/ls/']);
    const del = await run(['del', 'cli/ls/b']);

    expect(ls).toMatchObject({ code: 0, stdout: 'cli/ls/a\ncli/ls/b\ncli/ls/c\n', stderr: '' });
    expect(json(lsJson.stdout)).toEqual({
      items: ['a', 'b', 'c'].map((k) => ({ key: `cli/ls/${k}`, revision: expect.any(Number) })),
      nextCursor: null,
    });
    expect(del).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect((await run(['ls', 'cli/ls/'])).stdout).toBe('cli/ls/a\ncli/ls/c\n');
  }, SLOW);

  scenario('0: cluster prints a table of the nodes; --json the leader\'s document', async () => {
    const table = await run(['cluster']);
    const doc = json((await run(['cluster', '--json'])).stdout) as { nodes: { role: string; status: string }[] };

    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^leader: cli-leader \(http:\/\/127\.0\.0\.1:\d+\)\n\nNODE +ROLE +STATUS +USED \/ CAPACITY +KEYS +PARTITIONS +URL\n/);
    expect(table.stdout).toMatch(/\ncli-storage-1 +storage +UP +/);
    expect(table.stdout).toMatch(/\ncli-storage-2 +storage +UP +/);
    expect(doc.nodes.filter((n) => n.role === 'storage').map((n) => n.status)).toEqual(['UP', 'UP']);
  }, SLOW);

  scenario('1: get and del of a missing key; --json puts the error on stderr', async () => {
    const get = await run(['get', 'cli/missing']);
    const del = await run(['del', 'cli/missing']);
    const getJson = await run(['--json', 'get', 'cli/missing']);

    expect(get).toEqual({ code: 1, signal: null, stdout: '', stderr: 'ddb: key "cli/missing" not found\n' });
    expect(del.code).toBe(1);
    expect(getJson.stdout).toBe('');
    expect(json(getJson.stderr)).toEqual({
      error: { name: 'NotFoundError', message: 'key "cli/missing" not found', exitCode: 1, status: 404 },
    });
  }, SLOW);

  scenario('2: a usage error says what is wrong and sends nothing', async () => {
    const missingValue = await run(['put', 'cli/usage']);
    const badRevision = await run(['put', 'cli/usage', 'v', '--if-match', 'seven']);
    const unknown = await run(['frobnicate']);

    expect(missingValue).toEqual({ code: 2, signal: null, stdout: '', stderr: "ddb: missing required argument 'value'\n" });
    expect(badRevision).toMatchObject({ code: 2, stderr: "ddb: option '--if-match <revision>' argument 'seven' is invalid. expected an integer ≥ 0\n" });
    expect(unknown).toMatchObject({ code: 2, stderr: "ddb: unknown command 'frobnicate'\n" });
    await expect(sdk.get('cli/usage')).rejects.toMatchObject({ status: 404 });
  }, SLOW);

  scenario('4: --if-match with a wrong revision changes nothing and names the current revision', async () => {
    const { revision } = await sdk.put('cli/cas', 'one');

    const stale = await run(['put', 'cli/cas', 'two', '--if-match', String(revision + 1000)]);
    const staleJson = await run(['--json', 'del', 'cli/cas', '--if-match', String(revision + 1000)]);
    const absent = await run(['put', 'cli/cas', 'three', '--if-absent']);
    const right = await run(['put', 'cli/cas', 'four', '--if-match', String(revision)]);

    expect(stale).toMatchObject({ code: 4, stdout: '' });
    expect(stale.stderr).toMatch(new RegExp(`^ddb: precondition failed: .* \\(current revision is ${revision}\\)\\n$`));
    expect(json(staleJson.stderr)).toMatchObject({ error: { exitCode: 4, status: 412, currentRevision: revision } });
    expect(absent.code).toBe(4);
    expect(right.code).toBe(0);
    expect((await sdk.get('cli/cas')).value).toBe('four');
  }, SLOW);

  scenario('5: a missing or wrong token', async () => {
    const noToken = await ddb(['get', 'cli/user'], { env: { DDB_LEADER: cluster.leader.url } });
    const wrong = await run(['--token', 'wrong-token', 'get', 'cli/user']);

    expect(noToken).toMatchObject({ code: 5, stdout: '' });
    expect(noToken.stderr).toBe('ddb: unauthorized: missing or wrong API token (Authorization: Bearer <API_TOKEN>) (pass --token or set DDB_TOKEN)\n');
    expect(wrong.code).toBe(5);
  }, SLOW);

  scenario('3: the leader is down; the same command works once it is back', async () => {
    await cluster.leader.stop('SIGKILL');
    try {
      const down = await run(['--retries', '1', 'get', 'cli/user']);
      const downJson = await run(['--retries', '0', '--json', 'cluster']);

      expect(down).toMatchObject({ code: 3, stdout: '' });
      expect(down.stderr).toMatch(/^ddb: cannot reach http:\/\/127\.0\.0\.1:\d+: connect ECONNREFUSED 127\.0\.0\.1:\d+\n$/);
      expect(json(downJson.stderr)).toMatchObject({ error: { name: 'ConnectionError', exitCode: 3, status: 0, code: 'ECONNREFUSED' } });
    } finally {
      await cluster.leader.start();
      await waitUntilReady(cluster, 2, TOKEN);
    }
    expect(await run(['get', 'cli/user'])).toMatchObject({ code: 0, stdout: 'v2\n' });
  }, 2 * SLOW);

  scenario('3: the key\'s only storage node is down: 503 after the retries', async () => {
    const node = cluster.node('cli-storage-1');
    const keyOnNode = await findKeyOn(node.spec.name);
    await node.stop('SIGKILL');
    try {
      const unavailable = await run(['--retries', '1', 'get', keyOnNode]);

      expect(unavailable).toMatchObject({ code: 3, stdout: '' });
      expect(unavailable.stderr).toMatch(/^ddb: unavailable: .*partition \d+.*\n$/);
    } finally {
      await node.start();
      await waitUntilReady(cluster, 2, TOKEN);
    }
  }, 2 * SLOW);

  /** A key, written now, of a partition that `nodeId` holds (the leader says where each partition is). */
  async function findKeyOn(nodeId: string): Promise<string> {
    const view = await sdk.cluster();
    for (let i = 0; i < 1000; i++) {
      const key = `cli/on/${i}`;
      const placed = view.partitions.find((p) => p.partition === partitionOf(key, view.partitionCount));
      if (placed?.replicas[0] === nodeId) {
        await sdk.put(key, 'here');
        return key;
      }
    }
    throw new Error(`no key found on ${nodeId}`);
  }

  scenario('--help documents the commands and every exit code', async () => {
    const help = await run(['--help']);

    expect(help.code).toBe(0);
    expect(help.stdout).toContain('dump [options] [prefix]');
    expect(help.stdout).toContain('load [options] <file>');
    for (const line of ['0    ok', '1    not found', '2    usage error', '3    unavailable', '4    precondition failed']) {
      expect(help.stdout).toContain(line);
    }
  }, SLOW);

  describe('dump and load', () => {
    scenario('dump prints JSON Lines; load of a second copy from stdin skips every key', async () => {
      for (const key of ['cli/d/1', 'cli/d/2', 'cli/d/3']) await sdk.put(key, `value of ${key}`);

      const dump = await run(['dump', 'cli/d/']);
      const load = await run(['--json', 'load', '-'], dump.stdout);

      expect(dump.code).toBe(0);
      expect(dump.stdout.trimEnd().split('\n').map((l) => json(l))).toEqual(
        ['cli/d/1', 'cli/d/2', 'cli/d/3'].map((key) => ({ key, value: `value of ${key}`, revision: expect.any(Number) })),
      );
      expect(dump.stderr).toMatch(/^ddb: dumped 3 key\(s\) under "cli\/d\/" in [\d.]+ s\n$/);
      expect(load.code).toBe(0);
      expect(json(load.stdout)).toMatchObject({ source: 'stdin', keys: 3, written: 0, skipped: 3, failed: 0, complete: true });
    }, SLOW);

    scenario('2: a bad line in a load file names its line and loads nothing', async () => {
      const file = join(dir, 'bad.jsonl');
      await writeFile(file, '{"key":"cli/bad/1","value":"a"}\n{"key":"cli/bad/2","value":"b"}\n{"key":"cli/bad/3"}\n');

      const load = await run(['load', file]);

      expect(load).toEqual({
        code: 2,
        signal: null,
        stdout: '',
        stderr: `ddb: line 3: "value" of "cli/bad/3" must be a string\nddb: nothing was loaded from ${file}\n`,
      });
      expect((await sdk.list({ prefix: 'cli/bad/' })).items).toEqual([]);
    }, SLOW);
  });
});
