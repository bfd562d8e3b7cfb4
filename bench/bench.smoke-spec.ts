/**
 * The harness end to end, small: a quick run over a few cases must write a JSON a reader can
 * trust, and a run interrupted with Ctrl-C must leave no process and no temp dir behind.
 * Needs the built app (npm run build); compiles the harness itself.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from '../test/support/poll.js';

const HARNESS = resolve('bench/dist/bench/main.js');

interface Harness {
  child: ChildProcess;
  stderr: string[];
  exit: Promise<number | null>;
}

function startHarness(args: string[]): Harness {
  const child = spawn(process.execPath, [HARNESS, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  child.stderr!.setEncoding('utf8').on('data', (text: string) => stderr.push(text));
  child.stdout!.resume();
  const exit = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, stderr, exit };
}

/** Pids the harness said it started ("[bench] started leader (pid 123)"). */
const startedPids = (stderr: string[]): number[] =>
  [...stderr.join('').matchAll(/started \S+ \(pid (\d+)\)/g)].map((m) => Number(m[1]));

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const benchDirs = (): string[] => readdirSync(tmpdir()).filter((name) => name.startsWith('ddb-bench-'));

describe('npm run bench (smoke)', () => {
  const out = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
  let running: Harness | undefined;

  beforeAll(async () => {
    await promisify(execFile)(process.execPath, [
      resolve('node_modules/typescript/bin/tsc'),
      '-p',
      'bench/tsconfig.json',
    ]);
  }, 120_000);

  afterEach(() => {
    running?.child.kill('SIGKILL');
    running = undefined;
  });

  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('runs a quick selection and writes every case with its numbers and ratios', async () => {
    const dirsBefore = new Set(benchDirs());
    const file = join(out, 'quick.json');
    // Few connections and 3 s: a case must get answers even on a machine busy with other work.
    const args = '--quick --only ceiling-get,ddb-get-rf1,ddb-put-rf1 --keys 200 --connections 4 --seconds 3'.split(' ');
    running = startHarness([...args, '--out', file]);
    const code = await running.exit;
    expect({ code, log: code === 0 ? '' : running.stderr.join('') }).toEqual({ code: 0, log: '' });

    const result = JSON.parse(readFileSync(file, 'utf8'));
    expect(result.settings).toMatchObject({ quick: true, rounds: 2, keys: 200, connections: 4, seconds: 3 });
    expect(result.cases.map((c: { id: string }) => c.id)).toEqual(['ceiling-get', 'ddb-get-rf1', 'ddb-put-rf1']);
    for (const c of result.cases) {
      expect(c).toMatchObject({ status: 'ok', failure: null, errors: 0, timeouts: 0, non2xx: 0, missing: 0 });
      expect(c.reqPerSec).toBeGreaterThan(0);
      expect(c.p50Ms).toBeGreaterThan(0);
      expect(c.p99Ms).toBeGreaterThanOrEqual(c.p50Ms);
      // Two rounds with both systems up: the merged rate lies between the rounds' rates, and the
      // idle system's CPU while this one was measured is recorded.
      const rates = c.rounds.map((r: { reqPerSec: number }) => r.reqPerSec);
      expect(rates).toHaveLength(2);
      expect(c.reqPerSec).toBeGreaterThanOrEqual(Math.min(...rates) * 0.999);
      expect(c.reqPerSec).toBeLessThanOrEqual(Math.max(...rates) * 1.001);
      expect(c.idleCpuMs).toBeGreaterThanOrEqual(0);
    }
    const get = result.cases.find((c: { id: string }) => c.id === 'ddb-get-rf1');
    expect(get.vsCeiling).toBeCloseTo(get.reqPerSec / result.cases[0].reqPerSec, 6);
    expect(get.vsEtcd).toBeNull();
    expect(result.preloads).toEqual(
      expect.arrayContaining([expect.objectContaining({ stage: 'rf1', prefix: 'k/', keys: 200 })]),
    );

    const pids = startedPids(running.stderr);
    expect(pids.length).toBe(6); // the ceiling app; registry, 3 storage nodes and the leader
    expect(pids.filter(alive)).toEqual([]);
    expect(benchDirs().filter((d) => !dirsBefore.has(d))).toEqual([]);
  }, 180_000);

  it('stops every process it started and removes its temp dirs on Ctrl-C', async () => {
    const dirsBefore = new Set(benchDirs());
    running = startHarness([
      ...'--only ddb-get-rf1 --keys 200 --seconds 60 --out'.split(' '),
      join(out, 'interrupted.json'),
    ]);
    const harness = running;
    await waitFor(
      'the harness to load the leader',
      () => harness.stderr.join('').includes('ddb-get-rf1') || harness.stderr.join('').includes('writing 200 keys'),
      {
        timeoutMs: 90_000,
        intervalMs: 100,
      },
    );
    const pids = startedPids(harness.stderr);
    expect(pids.length).toBe(5);
    harness.child.kill('SIGINT');
    expect(await harness.exit).toBe(130);
    expect(pids.filter(alive)).toEqual([]);
    expect(benchDirs().filter((d) => !dirsBefore.has(d))).toEqual([]);
  }, 180_000);
});
