/**
 * One stage per system: start it, write the keys its selected cases read, run the cases one after
 * the other (each: warm-up, then the measured run), stop it. Only one system is up at a time, so
 * none competes with another for the two cores.
 */
import type { PlannedCase, Stage } from './cases.js';
import { measureListing } from './listing.js';
import { runLoad } from './load.js';
import { loadKeys, type LoadReport } from './preload.js';
import { caseResult, type CaseResult, type RawRun } from './report.js';
import type { BenchOptions } from './options.js';
import { cpuMsOf } from './support/cpu.js';
import { machineLoad, type MachineLoad } from './support/machine.js';
import type { Service } from './support/resources.js';
import { formatMs, formatRate } from './table.js';
import { keyAt, valueOf, workload, type Dialect, type KeySpace } from './workloads.js';

/** Where the throughput cases' keys live, and the listing and value-size cases' own prefixes. */
export const MAIN_SPACE = (o: BenchOptions): KeySpace => ({ prefix: 'k/', count: o.keys });
const listSpace = (o: BenchOptions, count: number): KeySpace => (count === o.keys ? MAIN_SPACE(o) : { prefix: `l${count}/`, count });
const sizeSpace = (o: BenchOptions, bytes: number): KeySpace => ({ prefix: `s${bytes}/`, count: o.sizeKeys });

export interface PreloadRecord extends LoadReport {
  readonly stage: Stage;
  readonly prefix: string;
  readonly valueBytes: number;
}

/** Microsecond timestamps on the monotonic clock V8's profiler uses. */
export type Windows = Record<string, { from: number; to: number }>;

export interface StageTarget {
  readonly stage: Stage;
  readonly url: string;
  readonly dialect: Dialect;
  /** Every process of the system under test, whose CPU time each case reports per request. */
  readonly services: readonly Service[];
}

export interface StageOutput {
  /** Each with how busy the machine was just before the case (our own previous case included). */
  readonly results: (CaseResult & { machine: MachineLoad; cpuMsPerRequestBy: Record<string, number | null> })[];
  readonly preloads: PreloadRecord[];
  readonly windows: Windows;
}

const nowUs = (): number => Number(process.hrtime.bigint() / 1000n);

/** The key spaces (with their value size) that the selected cases read, each written once. */
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

export async function runStage(
  target: StageTarget,
  cases: readonly PlannedCase[],
  o: BenchOptions,
  say: (line: string) => void,
): Promise<StageOutput> {
  const preloads: PreloadRecord[] = [];
  for (const { space, bytes } of spacesToPreload(o, cases)) {
    say(`${target.stage}: writing ${space.count.toLocaleString('en-US')} keys ${space.prefix}* of ${bytes} B`);
    // Big values go in with the size cases' concurrency: 64 MB in flight only buys 503s and re-sends.
    const connections = bytes > o.valueBytes ? o.sizeConnections : o.loadConnections;
    const report = await loadKeys(target.url, target.dialect, (i) => keyAt(space, i), { from: 0, to: space.count }, valueOf(bytes), {
      connections,
    });
    say(`${target.stage}: wrote them in ${report.seconds.toFixed(1)} s (${formatRate(report.perSecond)}/s, ${report.retried} re-sent)`);
    preloads.push({ ...report, stage: target.stage, prefix: space.prefix, valueBytes: bytes });
  }

  const results: StageOutput['results'] = [];
  const windows: Windows = {};
  const cpuEach = (): number[] => target.services.map((s) => cpuMsOf([s.pid]));
  for (const planned of cases) {
    const { what, spec } = planned;
    let measured: RawRun;
    let cpuBefore = cpuEach();
    let warmup: RawRun | undefined;
    const machine = machineLoad();
    const from = nowUs();
    if (what.kind === 'list') {
      measured = await measureListing(target.dialect.name === 'etcd' ? 'etcd' : 'ddb', target.url, listSpace(o, what.count).prefix, what.count, o.listRepeats);
    } else if (what.kind === 'load' || what.kind === 'size') {
      const space = what.kind === 'size' ? sizeSpace(o, what.valueBytes) : MAIN_SPACE(o);
      const work = workload(target.dialect, what.operation, space, valueOf(what.valueBytes));
      const run = (seconds: number) =>
        runLoad({ url: target.url, connections: spec.connections, seconds, timeoutSeconds: o.timeoutSeconds }, work);
      warmup = await run(o.warmupSeconds);
      windows[spec.id] = { from: nowUs(), to: 0 };
      cpuBefore = cpuEach();
      measured = await run(what.kind === 'size' ? o.sizeSeconds : o.seconds);
    } else {
      throw new Error(`${spec.id} is not a load case`);
    }
    windows[spec.id] = { from: windows[spec.id]?.from ?? from, to: nowUs() };
    const cpuUsed = cpuEach().map((ms, i) => ms - cpuBefore[i]);
    const result = caseResult(spec, { ...measured, serverCpuMs: cpuUsed.reduce((a, b) => a + b, 0) }, warmup);
    const cpuMsPerRequestBy = Object.fromEntries(target.services.map((s, i) => [s.name, measured.ok > 0 ? cpuUsed[i] / measured.ok : null]));
    results.push({ ...result, cpuMsPerRequestBy, machine });
    say(
      result.status === 'FAILED'
        ? `${spec.id}: FAILED (${result.failure})`
        : `${spec.id}: ${formatRate(result.reqPerSec)} req/s, p50 ${formatMs(result.p50Ms)} ms, p99 ${formatMs(result.p99Ms)} ms`,
    );
  }
  return { results, preloads, windows };
}
