/**
 * The systems under test, all up at once: start each and write the keys its throughput cases read;
 * run the throughput cases in rounds (schedule.ts); stop the systems with nothing left to run; run
 * the size and listing cases once, system by system (their keys written first), stopping each
 * when it is done. One system is loaded at a time, the others sit idle, and every measurement
 * records what they used meanwhile. Idle is not free: a storage node's tombstone sweep reads every
 * record it holds every 10 s, so the once-cases' keys (100 MB of 1 MB values) go in only after the
 * rounds, not to weigh on the systems measured beside them.
 */
import type { PlannedCase } from './cases.js';
import { measureCase, type Measurement } from './measure.js';
import type { BenchOptions } from './options.js';
import { summariseRun, type ProfileResult } from './profiling.js';
import { caseResult } from './report.js';
import type { Schedule, SystemStage } from './schedule.js';
import { preload, startSystem, type PreloadRecord, type StartContext, type SystemUnderTest } from './stages.js';
import { formatMs, formatRate } from './table.js';

/** The cases --cpu-prof summarises, on the RF=3 leader and storage-1. */
const PROFILED = ['ddb-get-rf3', 'ddb-put-rf3'];

export interface LineupOutput {
  /** Each case's runs, in the order they ran: one per round for a throughput case, else one. */
  readonly measurements: ReadonlyMap<string, readonly Measurement[]>;
  readonly preloads: readonly PreloadRecord[];
  readonly etcdVersion: string | null;
  readonly profile: ProfileResult | null;
}

export async function runLineup(plan: Schedule, o: BenchOptions, ctx: StartContext): Promise<LineupOutput> {
  const { say } = ctx;
  const up: SystemUnderTest[] = [];
  const preloads: PreloadRecord[] = [];
  const measurements = new Map<string, Measurement[]>();
  let profile: ProfileResult | null = null;

  const measure = async (planned: PlannedCase, round = ''): Promise<void> => {
    const system = up.find((s) => s.stage === planned.stage)!;
    const idle = up.filter((s) => s !== system).flatMap((s) => s.services);
    const run = await measureCase(system, planned, idle, o);
    measurements.set(planned.spec.id, [...(measurements.get(planned.spec.id) ?? []), run]);
    const r = caseResult(planned.spec, run.measured, run.warmup);
    say(
      r.status === 'FAILED'
        ? `${planned.spec.id}${round}: FAILED (${r.failure})`
        : `${planned.spec.id}${round}: ${formatRate(r.reqPerSec)} req/s, p50 ${formatMs(r.p50Ms)} ms, p99 ${formatMs(r.p99Ms)} ms`,
    );
  };
  const stop = async (stage: SystemStage): Promise<void> => {
    const system = up.find((s) => s.stage === stage)!;
    up.splice(up.indexOf(system), 1);
    await system.stop();
    if (system.profileDir) {
      const windowsOf = (id: string) => (measurements.get(id) ?? []).map((m) => m.window);
      profile = summariseRun(
        system.profileDir,
        Object.fromEntries(PROFILED.map((id) => [id, windowsOf(id)])),
        PROFILED,
      );
    }
  };

  const inRounds = plan.rounds[0] ?? [];
  for (const stage of plan.systems) {
    const system = await startSystem(stage, ctx);
    up.push(system);
    const itsCases = inRounds.filter((c) => c.stage === stage);
    preloads.push(...(await preload(system, itsCases, preloads, o, say)));
  }
  const etcdVersion = up.find((s) => s.stage === 'etcd')?.version ?? null;

  for (const [r, round] of plan.rounds.entries()) {
    say(`round ${r + 1} of ${plan.rounds.length}: ${[...new Set(round.map((c) => c.stage))].join(', ')}`);
    for (const planned of round) await measure(planned, ` (round ${r + 1})`);
  }
  for (const stage of plan.systems.filter((s) => !plan.once.some((group) => group.stage === s))) await stop(stage);
  for (const { stage, cases } of plan.once) {
    const system = up.find((s) => s.stage === stage)!;
    preloads.push(...(await preload(system, cases, preloads, o, say)));
    for (const planned of cases) await measure(planned);
    await stop(stage);
  }
  return { measurements, preloads, etcdVersion, profile };
}
