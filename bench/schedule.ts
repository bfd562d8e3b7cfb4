/**
 * The order a run measures its cases in. Other tenants of this shared VM move its free CPU by
 * ±30% within minutes, so two systems measured one after the other are compared under different
 * conditions. So every system is started up front and the throughput cases run in rounds: each
 * round runs every selected throughput case once, system after system, and the systems' order
 * rotates from round to round, so none always goes first or last and each ratio can be taken
 * round by round. The size and listing cases run once, after the rounds, system by system. Pure.
 */
import type { PlannedCase, Stage } from './cases.js';

/** The systems a run can start, in the order they start (the memory stage has its own cluster, later). */
export const SYSTEMS = ['ceiling', 'etcd', 'rf1', 'rf3'] as const satisfies readonly Stage[];
export type SystemStage = (typeof SYSTEMS)[number];

export interface Schedule {
  /** The systems the selected cases need, in SYSTEMS order. */
  readonly systems: readonly SystemStage[];
  /** Each round's throughput cases, in the order they run. */
  readonly rounds: readonly (readonly PlannedCase[])[];
  /** Per system with any, in SYSTEMS order, the cases run once after the rounds (sizes, listings). */
  readonly once: readonly { readonly stage: SystemStage; readonly cases: readonly PlannedCase[] }[];
}

/** The items starting at the by-th, wrapping around: rotate([a, b, c], 1) is [b, c, a]. */
export function rotate<T>(items: readonly T[], by: number): T[] {
  const at = items.length === 0 ? 0 : by % items.length;
  return [...items.slice(at), ...items.slice(0, at)];
}

const inRounds = (c: PlannedCase): boolean => c.what.kind === 'load';

/**
 * Round r (from 0) takes the systems with throughput cases rotated by r, and runs each system's
 * throughput cases in catalogue order; without throughput cases there are no rounds. The memory
 * stage is not scheduled here.
 */
export function schedule(selected: readonly PlannedCase[], rounds: number): Schedule {
  const casesOf = (stage: Stage): PlannedCase[] => selected.filter((c) => c.stage === stage);
  const systems = SYSTEMS.filter((stage) => casesOf(stage).length > 0);
  const loaded = systems.filter((stage) => casesOf(stage).some(inRounds));
  return {
    systems,
    rounds: Array.from({ length: loaded.length > 0 ? rounds : 0 }, (_, r) =>
      rotate(loaded, r).flatMap((stage) => casesOf(stage).filter(inRounds)),
    ),
    once: systems
      .map((stage) => ({ stage, cases: casesOf(stage).filter((c) => !inRounds(c)) }))
      .filter((group) => group.cases.length > 0),
  };
}
