/** The harness's command line (`npm run bench -- <options>`), parsed and defaulted. Pure. */
import { parseArgs } from 'node:util';

export interface BenchOptions {
  readonly quick: boolean;
  /** Case ids, tags or globs to run; null: the default selection (everything but memory). */
  readonly only: readonly string[] | null;
  readonly skip: readonly string[];
  /** Rounds of the throughput cases (schedule.ts): each runs every one of them once. */
  readonly rounds: number;
  /** Measured seconds per throughput case and round, after `warmupSeconds` of the same load. */
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly connections: number;
  /** Seconds per request before it counts as a timeout. */
  readonly timeoutSeconds: number;
  /** Keys the throughput cases spread over; preloaded before the read cases. */
  readonly keys: number;
  readonly valueBytes: number;
  /** Value sizes of the latency-against-size cases, in bytes. */
  readonly sizes: readonly number[];
  readonly sizeSeconds: number;
  readonly sizeWarmupSeconds: number;
  readonly sizeConnections: number;
  /** Keys per value size (written before its read case). */
  readonly sizeKeys: number;
  /** Key counts of the prefixes the listing cases list in full. */
  readonly listCounts: readonly number[];
  readonly listRepeats: number;
  /** Concurrent connections of the preloader (and of the memory stage's loader). */
  readonly loadConnections: number;
  readonly memoryKeys: number;
  readonly memoryRf: number;
  /** Run the RF=3 leader under node --cpu-prof and summarise its GET and PUT load. */
  readonly cpuProf: boolean;
  /** The Node.js our servers run on; the harness and its load generator always run on their own. */
  readonly node: NodeChoice;
  /** Where the JSON result goes. */
  readonly out: string;
  readonly help: boolean;
}

export class UsageError extends Error {}

/** --node: the harness's own binary (the default), a major version (bench/.node/ or npm), or a binary's path. */
export type NodeChoice =
  | { readonly kind: 'harness' }
  | { readonly kind: 'major'; readonly major: number }
  | { readonly kind: 'path'; readonly path: string };

export const USAGE = `usage: npm run bench -- [options]

  --quick                 a smoke run: 2 rounds of 1.5 s per throughput case, 1,000 keys, small listings
  --only <a,b,...>        run only these cases: ids (ddb-get-rf3), tags (ceiling, etcd, ddb, rf1, rf3,
                          main, sizes, listing, memory) or globs (ddb-*-rf3); see --list
  --skip <a,b,...>        run all but these (same names)
  --list                  print every case id with its tags, and exit
  --rounds <n>            rounds of the throughput cases, every system up and the systems' order rotating
                          from round to round (default 3; quick 2)
  --seconds <s>           measured seconds per throughput case and round (default 4; quick 1.5)
  --warmup <s>            warm-up seconds before each of them (default 1; quick 0.5)
  --connections <n>       concurrent connections (default 50)
  --keys <n>              key space of the throughput cases (default 10000; quick 1000)
  --load-connections <n>  connections used to preload keys (default 16)
  --memory-keys <n>       keys to load in the memory stage (default 1000000; quick 10000)
  --memory-rf <n>         replication factor of the memory stage's cluster (default 3)
  --cpu-prof              profile the RF=3 leader and storage-1 (node --cpu-prof) under the GET and PUT
                          load, summarised over all their rounds
  --node <major|path>     the Node.js our servers (cluster nodes, ceiling app) run on: a major version
                          (24: from bench/.node/, fetched from the npm registry the first time) or the
                          path of a node binary (default: the harness's own; the harness and its load
                          generator always run on the harness's Node)
  --out <file>            where to write the JSON (default bench/results/latest.json)

The throughput cases (main) run in rounds with every system up, one system loaded at a time; the
value-size and listing cases run once, after them (5 s each after 2 s of warm-up; quick 1 s after 0.5).
The memory stage is not in the default selection: add it with --only memory (alone) or
--only default,memory (with everything else).`;

function positive(name: string, text: string | undefined, fallback: number, integer = true): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new UsageError(`--${name} must be a positive ${integer ? 'whole ' : ''}number, got ${JSON.stringify(text)}`);
  }
  return value;
}

const list = (text: string | undefined): string[] | null =>
  text === undefined
    ? null
    : text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);

function nodeChoice(text: string | undefined): NodeChoice {
  if (text === undefined) return { kind: 'harness' };
  if (/^\d+$/.test(text)) return { kind: 'major', major: positive('node', text, 0) };
  if (text.trim() === '') throw new UsageError('--node takes a major version (24) or the path of a node binary');
  return { kind: 'path', path: text };
}

export function parseOptions(argv: readonly string[]): BenchOptions & { listCases: boolean } {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        quick: { type: 'boolean' },
        only: { type: 'string' },
        skip: { type: 'string' },
        list: { type: 'boolean' },
        rounds: { type: 'string' },
        seconds: { type: 'string' },
        warmup: { type: 'string' },
        connections: { type: 'string' },
        keys: { type: 'string' },
        'load-connections': { type: 'string' },
        'memory-keys': { type: 'string' },
        'memory-rf': { type: 'string' },
        'cpu-prof': { type: 'boolean' },
        node: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const v = parsed.values;
  const quick = v.quick === true;
  const keys = positive('keys', v.keys, quick ? 1000 : 10_000);
  const memoryRf = positive('memory-rf', v['memory-rf'], 3);
  if (memoryRf > 3) throw new UsageError('--memory-rf must be 1, 2 or 3 (the cluster has 3 storage nodes)');
  return {
    quick,
    only: list(v.only),
    skip: list(v.skip) ?? [],
    listCases: v.list === true,
    // Quick runs 2 rounds, not 1: a smoke run should go through the rotation and the merging too.
    rounds: positive('rounds', v.rounds, quick ? 2 : 3),
    seconds: positive('seconds', v.seconds, quick ? 1.5 : 4, false),
    warmupSeconds: positive('warmup', v.warmup, quick ? 0.5 : 1, false),
    connections: positive('connections', v.connections, 50),
    timeoutSeconds: 10,
    keys,
    valueBytes: 100,
    sizes: [100, 10_000, 1_000_000],
    sizeSeconds: quick ? 1 : 5,
    sizeWarmupSeconds: quick ? 0.5 : 2,
    sizeConnections: 10,
    sizeKeys: quick ? 20 : 100,
    listCounts: [...new Set([100, 1000, 10_000].filter((n) => n < keys).concat(keys))],
    listRepeats: quick ? 2 : 5,
    loadConnections: positive('load-connections', v['load-connections'], 16),
    memoryKeys: positive('memory-keys', v['memory-keys'], quick ? 10_000 : 1_000_000),
    memoryRf,
    cpuProf: v['cpu-prof'] === true,
    node: nodeChoice(v.node),
    out: v.out ?? 'bench/results/latest.json',
    help: v.help === true,
  };
}
