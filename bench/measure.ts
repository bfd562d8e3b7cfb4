/**
 * One run of one case against a system that is up: the warm-up, then the measured run (a listing
 * case: its repeated listings), with the CPU time every process used during the measured run: the
 * system's own, per process, and the other systems' (up and idle meanwhile) in all, so a reader
 * can see how much the idle ones weighed on it. caseRow turns a case's runs (one, or one per
 * round) into its row of the report.
 */
import type { PlannedCase } from './cases.js';
import { measureListing } from './listing.js';
import { runLoad } from './load.js';
import type { BenchOptions } from './options.js';
import type { Window } from './profile-summary.js';
import { caseResult, roundsResult, type CaseResult, type Round } from './report.js';
import { listSpace, MAIN_SPACE, sizeSpace, type SystemUnderTest } from './stages.js';
import { cpuMsOf } from './support/cpu.js';
import { machineLoad, type MachineLoad } from './support/machine.js';
import type { Service } from './support/resources.js';
import { valueOf, workload } from './workloads.js';

export interface Measurement extends Round {
  /** CPU ms each process of the system used during the measured run, by name. */
  readonly cpuMsBy: Readonly<Record<string, number>>;
  /** CPU ms the other systems' processes used meanwhile, in all; null when no other system was up. */
  readonly idleCpuMs: number | null;
  /** The measured run, in µs of the monotonic clock V8's profiler uses. */
  readonly window: Window;
  /** How busy the machine was just before the case (our own previous case included). */
  readonly machine: MachineLoad;
}

export type CaseRow = CaseResult & {
  readonly cpuMsPerRequestBy: Record<string, number | null>;
  /** CPU ms the idle systems used during the case's measured runs, summed over its rounds. */
  readonly idleCpuMs: number | null;
  /** At the start of the case's first run. */
  readonly machine: MachineLoad;
};

const nowUs = (): number => Number(process.hrtime.bigint() / 1000n);
const pidsOf = (services: readonly Service[]): (number | undefined)[] => services.map((s) => s.pid);

/** The case's warm-up (none for a listing) and its measured run, as functions of the system. */
function runsOf(system: SystemUnderTest, { spec, what }: PlannedCase, o: BenchOptions) {
  switch (what.kind) {
    case 'list': {
      const measured = () =>
        measureListing(
          system.dialect.name === 'etcd' ? 'etcd' : 'ddb',
          system.url,
          listSpace(o, what.count).prefix,
          what.count,
          o.listRepeats,
        );
      return { warmup: null, measured };
    }
    case 'load':
    case 'size': {
      const space = what.kind === 'size' ? sizeSpace(o, what.valueBytes) : MAIN_SPACE(o);
      const work = workload(system.dialect, what.operation, space, valueOf(what.valueBytes));
      const load = (seconds: number) => () =>
        runLoad({ url: system.url, connections: spec.connections, seconds, timeoutSeconds: o.timeoutSeconds }, work);
      return what.kind === 'size'
        ? { warmup: load(o.sizeWarmupSeconds), measured: load(o.sizeSeconds) }
        : { warmup: load(o.warmupSeconds), measured: load(o.seconds) };
    }
    case 'memory':
      throw new Error(`${spec.id} is not measured against a system under test`);
  }
}

/** Runs the case once against `system`, while the `idle` processes (the other systems) wait. */
export async function measureCase(
  system: SystemUnderTest,
  planned: PlannedCase,
  idle: readonly Service[],
  o: BenchOptions,
): Promise<Measurement> {
  const machine = machineLoad();
  const runs = runsOf(system, planned, o);
  const warmup = runs.warmup ? await runs.warmup() : undefined;
  const ownBefore = system.services.map((s) => cpuMsOf([s.pid]));
  const idleBefore = cpuMsOf(pidsOf(idle));
  const from = nowUs();
  const measured = await runs.measured();
  const window = { from, to: nowUs() };
  const own = system.services.map((s, i) => cpuMsOf([s.pid]) - ownBefore[i]);
  return {
    measured: { ...measured, serverCpuMs: own.reduce((a, b) => a + b, 0) },
    warmup,
    cpuMsBy: Object.fromEntries(system.services.map((s, i) => [s.name, own[i]])),
    idleCpuMs: idle.length > 0 ? cpuMsOf(pidsOf(idle)) - idleBefore : null,
    window,
    machine,
  };
}

/**
 * A case's row from its runs: a throughput case's rounds merged (report.ts roundsResult), any
 * other case's single run; CPU per answer per process and the idle systems' CPU over all of them.
 */
export function caseRow({ spec, what }: PlannedCase, runs: readonly Measurement[]): CaseRow {
  const result = what.kind === 'load' ? roundsResult(spec, runs) : caseResult(spec, runs[0].measured, runs[0].warmup);
  const sum = (of: (m: Measurement) => number): number => runs.reduce((total, m) => total + of(m), 0);
  const answers = sum((m) => m.measured.ok);
  const names = Object.keys(runs[0].cpuMsBy);
  return {
    ...result,
    cpuMsPerRequestBy: Object.fromEntries(
      names.map((name) => [name, answers > 0 ? sum((m) => m.cpuMsBy[name]) / answers : null]),
    ),
    idleCpuMs: runs.every((m) => m.idleCpuMs === null) ? null : sum((m) => m.idleCpuMs ?? 0),
    machine: runs[0].machine,
  };
}
