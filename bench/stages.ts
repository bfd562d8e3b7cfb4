/**
 * The systems under test, one per stage: started up front, one after the other, each then written
 * the keys its throughput cases read; the keys of its size and listing cases are written later,
 * right before those run. They all stay up until their last case has run, idle but for their turn
 * (schedule.ts says whose turn it is).
 */
import type { PlannedCase } from './cases.js';
import type { BenchOptions } from './options.js';
import { loadKeys, type LoadReport } from './preload.js';
import { profileFlags } from './profiling.js';
import type { SystemStage } from './schedule.js';
import type { Resources, Service } from './support/resources.js';
import { startCeiling } from './systems/ceiling.js';
import { startDdbCluster } from './systems/ddb-cluster.js';
import { startEtcd } from './systems/etcd.js';
import { formatRate } from './table.js';
import { etcdDialect, keyAt, kvDialect, valueOf, type Dialect, type KeySpace } from './workloads.js';

/** Where the throughput cases' keys live, and the listing and value-size cases' own prefixes. */
export const MAIN_SPACE = (o: BenchOptions): KeySpace => ({ prefix: 'k/', count: o.keys });
export const listSpace = (o: BenchOptions, count: number): KeySpace =>
  count === o.keys ? MAIN_SPACE(o) : { prefix: `l${count}/`, count };
export const sizeSpace = (o: BenchOptions, bytes: number): KeySpace => ({ prefix: `s${bytes}/`, count: o.sizeKeys });

export interface PreloadRecord extends LoadReport {
  readonly stage: SystemStage;
  readonly prefix: string;
  readonly valueBytes: number;
}

export interface SystemUnderTest {
  readonly stage: SystemStage;
  readonly url: string;
  readonly dialect: Dialect;
  /** Every process of the system, whose CPU time each case reports per request. */
  readonly services: readonly Service[];
  /** etcd's `--version` line. */
  readonly version?: string;
  /** --cpu-prof: where the RF=3 cluster's profiles are, once it has stopped. */
  readonly profileDir?: string;
  stop(): Promise<void>;
}

export interface StartContext {
  readonly resources: Resources;
  /** The node binary our servers and the ceiling app run on (--node). */
  readonly serversNode: string;
  /** The etcd binary (findEtcd); the caller skips etcd's cases without one. */
  readonly etcdBinary?: string;
  /** --cpu-prof: profile the RF=3 leader and storage-1 into bench/results/profiles/<stamp>/. */
  readonly profileStamp: string | null;
  readonly say: (line: string) => void;
}

export async function startSystem(stage: SystemStage, ctx: StartContext): Promise<SystemUnderTest> {
  const { resources, say } = ctx;
  switch (stage) {
    case 'ceiling': {
      say('ceiling: starting the bare NestJS express app');
      const { url, service } = await startCeiling(resources, ctx.serversNode);
      return { stage, url, dialect: kvDialect, services: [service], stop: () => resources.stop(service) };
    }
    case 'etcd': {
      if (ctx.etcdBinary === undefined) throw new Error('etcd is not installed');
      const { url, service, version } = await startEtcd(resources, ctx.etcdBinary);
      say(`etcd: ${version} up on ${url}`);
      return { stage, url, dialect: etcdDialect, services: [service], version, stop: () => resources.stop(service) };
    }
    case 'rf1':
    case 'rf3': {
      const rf = stage === 'rf1' ? 1 : 3;
      const profiled = ctx.profileStamp !== null && stage === 'rf3' ? profileFlags(ctx.profileStamp) : null;
      say(
        `${stage}: starting 1 registry, 3 storage nodes and a leader with REPLICATION_FACTOR=${rf}${profiled ? ' (leader and storage-1 under --cpu-prof)' : ''}`,
      );
      const cluster = await startDdbCluster(resources, {
        rf,
        nodeBinary: ctx.serversNode,
        nodeArgs: profiled?.argsFor,
      });
      return {
        stage,
        url: cluster.leaderUrl,
        dialect: kvDialect,
        services: [cluster.leader, ...cluster.storage, cluster.registry],
        profileDir: profiled?.dir,
        stop: () => cluster.stop(),
      };
    }
  }
}

/** The key spaces (with their value size) that the cases read, each written once. */
function spacesToPreload(o: BenchOptions, cases: readonly PlannedCase[]): { space: KeySpace; bytes: number }[] {
  const needed = new Map<string, { space: KeySpace; bytes: number }>();
  const need = (space: KeySpace, bytes: number): void => void needed.set(space.prefix, { space, bytes });
  for (const { what } of cases) {
    if (what.kind === 'load' && what.operation !== 'put') need(MAIN_SPACE(o), o.valueBytes);
    if (what.kind === 'size' && what.operation === 'get') need(sizeSpace(o, what.valueBytes), what.valueBytes);
    if (what.kind === 'list') need(listSpace(o, what.count), o.valueBytes);
  }
  return [...needed.values()];
}

/** Writes the keys the cases read, but for the prefixes `written` already. */
export async function preload(
  system: SystemUnderTest,
  cases: readonly PlannedCase[],
  written: readonly PreloadRecord[],
  o: BenchOptions,
  say: (line: string) => void,
): Promise<PreloadRecord[]> {
  const preloads: PreloadRecord[] = [];
  const done = new Set(written.filter((p) => p.stage === system.stage).map((p) => p.prefix));
  for (const { space, bytes } of spacesToPreload(o, cases).filter((s) => !done.has(s.space.prefix))) {
    say(`${system.stage}: writing ${space.count.toLocaleString('en-US')} keys ${space.prefix}* of ${bytes} B`);
    // Big values go in with the size cases' concurrency: 64 MB in flight only buys 503s and re-sends.
    const connections = bytes > o.valueBytes ? o.sizeConnections : o.loadConnections;
    const keyOf = (i: number): string => keyAt(space, i);
    const report = await loadKeys(system.url, system.dialect, keyOf, { from: 0, to: space.count }, valueOf(bytes), {
      connections,
    });
    say(
      `${system.stage}: wrote them in ${report.seconds.toFixed(1)} s (${formatRate(report.perSecond)}/s, ${report.retried} re-sent)`,
    );
    preloads.push({ ...report, stage: system.stage, prefix: space.prefix, valueBytes: bytes });
  }
  return preloads;
}
