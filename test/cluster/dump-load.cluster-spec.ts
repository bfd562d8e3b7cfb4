import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DistributedDbClient } from '../../src/client/index.js';
import { compareKeys } from '../../src/client/key-order.js';
import type { TestCluster } from '../support/cluster.js';
import { itWithNodeLogs, startClientCluster } from '../support/client-cluster.js';
import { ddb, startDdb } from '../support/ddb-process.js';
import { inPool } from '../support/kv-http.js';
import { waitFor } from '../support/poll.js';

// `ddb dump > f.jsonl` from one real cluster, `ddb load f.jsonl` into another, empty one: the same
// 10,000 keys and values come out, and a load that was cut short resumes without rewriting.
const KEYS = 10_000;
const TRUNCATED = 3000;
/** Writes in flight while filling the source and loading the target. */
const CONCURRENCY = 64;
// Writes through the leader went at 18-60 a second here while other suites shared the 2 cores:
// 10,000 of them take minutes.
const LONG = 20 * 60_000;
/**
 * Per request: with 64 writes queued at a leader doing ~100 a second, one waits for seconds, and
 * more when other work shares the CPU. A write that times out is not retried (it may have been
 * applied), so the test waits rather than count it failed.
 */
const TIMEOUT_MS = '60000';
/** A 503 (a storage node slow to answer the leader) is retried, with up to 2 s between tries. */
const RETRIES = '10';

const keyOf = (i: number) => `data/${(i * 7919) % KEYS}/${i % 3 === 0 ? 'ü' : 'k'}`;
const valueOf = (i: number) => JSON.stringify({ n: i, text: `line\nbreak ✓ ${'x'.repeat(i % 200)}` });

interface LoadSummary {
  keys: number;
  written: number;
  skipped: number;
  failed: number;
  complete: boolean;
  seconds: number;
}

describe('ddb dump and ddb load: 10,000 keys into an empty cluster', () => {
  let source: TestCluster;
  let target: TestCluster;
  let dir: string;
  let full: string;
  const revisions = new Map<string, number>();
  const timings: Record<string, number> = {};
  const scenario = itWithNodeLogs(() => [source, target]);
  const sdk = (cluster: TestCluster) =>
    new DistributedDbClient({ url: cluster.leader.url, timeoutMs: Number(TIMEOUT_MS), retries: Number(RETRIES) });
  const on = (cluster: TestCluster) => ({ env: { DDB_LEADER: cluster.leader.url } });
  const load = (...args: string[]) => ['--json', '--timeout', TIMEOUT_MS, '--retries', RETRIES, 'load', ...args];

  async function timed<T>(name: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      timings[name] = Math.round(performance.now() - started) / 1000;
    }
  }

  async function everything(cluster: TestCluster): Promise<[string, string | undefined][]> {
    const entries: [string, string | undefined][] = [];
    for await (const item of sdk(cluster).iterate({ prefix: 'data/', values: true, pageSize: 1000 })) entries.push([item.key, item.value]);
    return entries;
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ddb-dump-'));
    full = join(dir, 'full.jsonl');
    // One after the other: 8 Node processes booting at once can starve a 2-core machine.
    source = await startClientCluster('source', 2);
    target = await startClientCluster('target', 2);
  }, 300_000);

  afterAll(async () => {
    console.log(`dump/load timings (seconds): ${JSON.stringify(timings)}`);
    await Promise.all([source?.stopAll(), target?.stopAll()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });


  scenario(`fills the source with ${KEYS} keys through the SDK, ${CONCURRENCY} writes at a time`, async () => {
    const client = sdk(source);
    const failed: string[] = [];
    await timed('fill source', () =>
      inPool(Array.from({ length: KEYS }, (_, i) => i), CONCURRENCY, async (i) => {
        try {
          revisions.set(keyOf(i), (await client.put(keyOf(i), valueOf(i))).revision);
        } catch (error) {
          failed.push(`${keyOf(i)}: ${String(error)}`);
        }
      }),
    );
    expect(failed).toEqual([]);
    expect(revisions.size).toBe(KEYS);
  }, LONG);

  scenario('dump > full.jsonl writes one line per key, in key order, with the revision each key had', async () => {
    const run = await timed('dump', () => ddb(['dump', 'data/'], { ...on(source), stdoutFile: full }));

    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(new RegExp(`^ddb: dumped ${KEYS} key\\(s\\) under "data/" in [\\d.]+ s\\n$`));
    const lines = (await readFile(full, 'utf8')).split('\n');
    expect(lines.pop()).toBe('');
    const entries = lines.map((line) => JSON.parse(line) as { key: string; value: string; revision: number });
    const keys = entries.map((e) => e.key);
    expect(keys).toEqual([...revisions.keys()].sort(compareKeys));
    const byKey = new Map(Array.from({ length: KEYS }, (_, i) => [keyOf(i), valueOf(i)]));
    expect(entries.filter((e) => e.value !== byKey.get(e.key) || e.revision !== revisions.get(e.key))).toEqual([]);
  }, LONG);

  scenario(`a file cut after ${TRUNCATED} lines loads those ${TRUNCATED} keys`, async () => {
    const truncated = join(dir, 'truncated.jsonl');
    const lines = (await readFile(full, 'utf8')).split('\n');
    await writeFile(truncated, `${lines.slice(0, TRUNCATED).join('\n')}\n`);

    const run = await timed(`load ${TRUNCATED} (truncated file)`, () =>
      ddb(load(truncated, '--concurrency', String(CONCURRENCY)), on(target)),
    );

    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(run.stdout)).toMatchObject({ keys: TRUNCATED, written: TRUNCATED, skipped: 0, failed: 0, complete: true });
  }, LONG);

  let interrupted: LoadSummary;
  scenario('the full file, interrupted by Ctrl-C, skips those keys, stops cleanly and says what it wrote (exit 130)', async () => {
    const client = sdk(target);
    const before = (await client.cluster()).leader.revision;
    const loading = startDdb(load(full, '--concurrency', String(CONCURRENCY)), on(target));
    // Ctrl-C once 500 more writes have been given a revision (nothing else writes to the target).
    await waitFor('500 writes of the load', async () => (await client.cluster()).leader.revision >= before + 500, {
      timeoutMs: LONG,
      intervalMs: 200,
    });
    loading.child.kill('SIGINT');
    const run = await loading.done;

    expect(run.code).toBe(130);
    interrupted = JSON.parse(run.stdout) as LoadSummary;
    expect(interrupted).toMatchObject({ skipped: TRUNCATED, failed: 0, complete: false });
    expect(interrupted.written).toBeGreaterThanOrEqual(500);
    expect(interrupted.written).toBeLessThan(KEYS - TRUNCATED);
    expect(JSON.parse(run.stderr)).toMatchObject({ error: { name: 'Interrupted', exitCode: 130, line: interrupted.keys } });
    timings['load interrupted'] = interrupted.seconds;
  }, LONG);

  scenario('the full file again writes only what is missing', async () => {
    const run = await timed('load rest', () => ddb(load(full, '--concurrency', String(CONCURRENCY)), on(target)));

    expect(run).toMatchObject({ code: 0, stderr: '' });
    const done = JSON.parse(run.stdout) as LoadSummary;
    const before = TRUNCATED + interrupted.written;
    expect(done).toMatchObject({ keys: KEYS, skipped: before, written: KEYS - before, failed: 0, complete: true });
  }, LONG);

  scenario('the target holds exactly the keys and values of the source', async () => {
    const [fromSource, fromTarget] = await timed('read both back', () => Promise.all([everything(source), everything(target)]));

    expect(fromTarget.length).toBe(KEYS);
    expect(fromTarget).toEqual(fromSource);
  }, LONG);

  scenario('a third load writes nothing: one walk of the listing, no GET per key', async () => {
    const run = await timed('load again (all skipped)', () => ddb(load(full), on(target)));

    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ keys: KEYS, written: 0, skipped: KEYS, failed: 0 });
  }, LONG);

  scenario('an unsorted file loads just as well (a GET per line out of order): 2,000 shuffled lines are all skipped', async () => {
    const lines = (await readFile(full, 'utf8')).trimEnd().split('\n').slice(0, 2000);
    // A fixed shuffle (every 7th line, round-robin), so a failure can be replayed.
    const shuffled = Array.from({ length: 7 }, (_, r) => lines.filter((_, i) => i % 7 === r)).flat();
    const file = join(dir, 'shuffled.jsonl');
    await writeFile(file, `${shuffled.join('\n')}\n`);

    const run = await timed('load 2000 shuffled (all skipped)', () => ddb(load(file, '--concurrency', '32'), on(target)));

    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ keys: 2000, written: 0, skipped: 2000, failed: 0 });
  }, LONG);
});
