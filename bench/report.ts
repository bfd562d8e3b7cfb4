/**
 * The pure part of the benchmark: from what a run measured to what the report says. A case with
 * any error, timeout, non-2xx answer or missing value (in the measured run or its warm-up, in any
 * round) is FAILED and carries no numbers, so a broken system can never show up as a fast one.
 * A throughput case runs in rounds (see schedule.ts); its rounds are merged into one run, judged
 * as one, and kept beside it for their spread.
 */

export type System = 'ceiling' | 'etcd' | 'ddb';

/** What one timed run saw. */
export interface RawRun {
  readonly seconds: number;
  /** 2xx answers. */
  readonly ok: number;
  readonly non2xx: number;
  /** Answers per HTTP status, e.g. { "200": 10, "503": 2 }. */
  readonly statusCounts: Readonly<Record<string, number>>;
  /** Connection errors other than timeouts. */
  readonly errors: number;
  readonly timeouts: number;
  /** 2xx reads that did not carry the value (or listings that missed keys). */
  readonly missing: number;
  /** Latency of every 2xx answer, in ms, sorted ascending. */
  readonly latenciesMs: ArrayLike<number>;
  /** CPU time the system under test (all its processes) used during the run, in ms. */
  readonly serverCpuMs?: number;
}

export interface CaseSpec {
  /** e.g. "ddb-get-rf3". */
  readonly id: string;
  readonly system: System;
  /** What is measured; cases of the same group on different systems are compared. */
  readonly group: string;
  readonly rf?: number;
  readonly connections: number;
  readonly note?: string;
}

/** The numbers of one run: what the table shows of a case, and the JSON of each of its rounds. */
export interface RunNumbers {
  readonly reqPerSec: number | null;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  /** Server CPU time per answer: what a request costs, however busy the machine was. */
  readonly cpuMsPerRequest: number | null;
}

/** One round of a case: its measured run and the warm-up just before it. */
export interface Round {
  readonly measured: RawRun;
  readonly warmup?: RawRun;
}

export interface CaseResult extends RunNumbers {
  readonly id: string;
  readonly system: System;
  readonly group: string;
  readonly rf: number | null;
  readonly connections: number;
  /** FAILED: every number (RunNumbers) is null, for a failed case is not a number. */
  readonly status: 'ok' | 'FAILED';
  readonly requests: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  readonly missing: number;
  /** Why it FAILED, in words; null when ok. */
  readonly failure: string | null;
  readonly note: string | null;
  /** Each round's numbers, in the order they ran (all null when FAILED); only cases run in rounds have them. */
  readonly rounds?: readonly RunNumbers[];
}

export interface Ratios {
  /** ours / etcd and ours / ceiling in req/s for the same group; only for ddb rows with both ok. */
  readonly vsEtcd: number | null;
  readonly vsCeiling: number | null;
}

export type ReportRow = CaseResult & Ratios;

/** Nearest-rank percentile of an ascending array; null when it is empty. */
export function percentile(sorted: ArrayLike<number>, q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((q / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/**
 * "3 timeouts, 5 non-2xx (503×5)", or null when the run was clean. A measured run without a single
 * answer failed too (a warm-up may be shorter than one answer takes).
 */
export function problemsOf(run: RawRun, measured = true): string | null {
  const problems: string[] = [];
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (run.errors > 0) problems.push(plural(run.errors, 'connection error'));
  if (run.timeouts > 0) problems.push(plural(run.timeouts, 'timeout'));
  if (run.non2xx > 0) {
    const codes = Object.entries(run.statusCounts)
      .filter(([status]) => !status.startsWith('2'))
      .map(([status, count]) => `${status}×${count}`)
      .join(', ');
    problems.push(`${run.non2xx} non-2xx${codes ? ` (${codes})` : ''}`);
  }
  if (run.missing > 0) problems.push(`${run.missing} answered without the value`);
  if (measured && problems.length === 0 && run.ok === 0) problems.push(`no answer within the ${run.seconds} s run`);
  return problems.length === 0 ? null : problems.join(', ');
}

const NO_NUMBERS: RunNumbers = { reqPerSec: null, p50Ms: null, p99Ms: null, cpuMsPerRequest: null };

function numbersOf(run: RawRun): RunNumbers {
  return {
    reqPerSec: run.ok / run.seconds,
    p50Ms: percentile(run.latenciesMs, 50),
    p99Ms: percentile(run.latenciesMs, 99),
    cpuMsPerRequest: run.serverCpuMs === undefined ? null : run.serverCpuMs / run.ok,
  };
}

/** What went wrong in a round, or null: "2 timeouts; in warm-up: 1 connection error". */
function roundProblems({ measured, warmup }: Round): string | null {
  const inWarmup = warmup && problemsOf(warmup, false);
  return [problemsOf(measured), inWarmup && `in warm-up: ${inWarmup}`].filter(Boolean).join('; ') || null;
}

/**
 * Several runs as one: counts and CPU time summed, latencies merged (ascending). Their rate is then
 * every answer over every second, so a round the neighbours slowed weighs as long as it lasted.
 */
export function mergeRuns(runs: readonly RawRun[]): RawRun {
  if (runs.length === 0) throw new Error('mergeRuns needs at least one run');
  const sum = (of: (run: RawRun) => number): number => runs.reduce((total, run) => total + of(run), 0);
  const statusCounts: Record<string, number> = {};
  for (const run of runs) {
    for (const [status, count] of Object.entries(run.statusCounts)) {
      statusCounts[status] = (statusCounts[status] ?? 0) + count;
    }
  }
  const latenciesMs = new Float64Array(sum((run) => run.latenciesMs.length));
  let at = 0;
  for (const run of runs) {
    latenciesMs.set(run.latenciesMs, at);
    at += run.latenciesMs.length;
  }
  return {
    seconds: sum((run) => run.seconds),
    ok: sum((run) => run.ok),
    non2xx: sum((run) => run.non2xx),
    statusCounts,
    errors: sum((run) => run.errors),
    timeouts: sum((run) => run.timeouts),
    missing: sum((run) => run.missing),
    latenciesMs: latenciesMs.sort(),
    serverCpuMs: runs.every((run) => run.serverCpuMs !== undefined) ? sum((run) => run.serverCpuMs!) : undefined,
  };
}

function judge(spec: CaseSpec, rounds: readonly Round[]): CaseResult {
  const label = (i: number): string => (rounds.length > 1 ? `round ${i + 1}: ` : '');
  const problems = rounds.map(roundProblems);
  const failure =
    problems
      .map((text, i) => text && `${label(i)}${text}`)
      .filter(Boolean)
      .join('; ') || null;
  const measured = mergeRuns(rounds.map((r) => r.measured));
  const warmups = rounds.flatMap((r) => (r.warmup ? [r.warmup] : []));
  const warmup = warmups.length > 0 ? mergeRuns(warmups) : undefined;
  const failed = failure !== null;
  return {
    id: spec.id,
    system: spec.system,
    group: spec.group,
    rf: spec.rf ?? null,
    connections: spec.connections,
    status: failed ? 'FAILED' : 'ok',
    ...(failed ? NO_NUMBERS : numbersOf(measured)),
    requests: measured.ok,
    errors: measured.errors + (warmup?.errors ?? 0),
    timeouts: measured.timeouts + (warmup?.timeouts ?? 0),
    non2xx: measured.non2xx + (warmup?.non2xx ?? 0),
    missing: measured.missing + (warmup?.missing ?? 0),
    failure,
    note: spec.note ?? null,
  };
}

/** A case run once: its measured run, judged with the warm-up before it. */
export function caseResult(spec: CaseSpec, measured: RawRun, warmup?: RawRun): CaseResult {
  return judge(spec, [{ measured, warmup }]);
}

/**
 * A case run in rounds: the rounds merged (mergeRuns) and judged as one run, each round's numbers
 * kept beside. A bad answer in any round or warm-up, or a round without a single answer, FAILS it.
 */
export function roundsResult(spec: CaseSpec, rounds: readonly Round[]): CaseResult {
  const result = judge(spec, rounds);
  return { ...result, rounds: rounds.map((r) => (result.status === 'FAILED' ? NO_NUMBERS : numbersOf(r.measured))) };
}

/** Every result (with whatever else it carries) and its ratios to etcd and to the ceiling for the same group. */
export function withRatios<R extends CaseResult>(results: readonly R[]): (R & Ratios)[] {
  const rateOf = (system: System, group: string): number | null =>
    results.find((r) => r.system === system && r.group === group)?.reqPerSec ?? null;
  return results.map((r) => {
    const ours = r.system === 'ddb' ? r.reqPerSec : null;
    const ratio = (other: number | null): number | null => (ours === null || other === null ? null : ours / other);
    return { ...r, vsEtcd: ratio(rateOf('etcd', r.group)), vsCeiling: ratio(rateOf('ceiling', r.group)) };
  });
}

/** Total of every kind of bad answer. */
export const badAnswers = (r: CaseResult): number => r.errors + r.timeouts + r.non2xx + r.missing;
