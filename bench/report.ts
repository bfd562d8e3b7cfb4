/**
 * The pure part of the benchmark: from what a run measured to what the report says. A case with
 * any error, timeout, non-2xx answer or missing value (in the measured run or its warm-up) is
 * FAILED and carries no numbers, so a broken system can never show up as a fast one.
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

export interface CaseResult {
  readonly id: string;
  readonly system: System;
  readonly group: string;
  readonly rf: number | null;
  readonly connections: number;
  readonly status: 'ok' | 'FAILED';
  /** null when FAILED: a failed case is not a number. */
  readonly reqPerSec: number | null;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  /** Server CPU time per answer: what a request costs, however busy the machine was. */
  readonly cpuMsPerRequest: number | null;
  readonly requests: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  readonly missing: number;
  /** Why it FAILED, in words; null when ok. */
  readonly failure: string | null;
  readonly note: string | null;
}

export interface ReportRow extends CaseResult {
  /** ours / etcd and ours / ceiling in req/s for the same group; only for ddb rows with both ok. */
  readonly vsEtcd: number | null;
  readonly vsCeiling: number | null;
}

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

export function caseResult(spec: CaseSpec, measured: RawRun, warmup?: RawRun): CaseResult {
  const inRun = problemsOf(measured);
  const inWarmup = warmup && problemsOf(warmup, false);
  const failure = [inRun, inWarmup && `in warm-up: ${inWarmup}`].filter(Boolean).join('; ') || null;
  const failed = failure !== null;
  return {
    id: spec.id,
    system: spec.system,
    group: spec.group,
    rf: spec.rf ?? null,
    connections: spec.connections,
    status: failed ? 'FAILED' : 'ok',
    reqPerSec: failed ? null : measured.ok / measured.seconds,
    p50Ms: failed ? null : percentile(measured.latenciesMs, 50),
    p99Ms: failed ? null : percentile(measured.latenciesMs, 99),
    cpuMsPerRequest: failed || measured.serverCpuMs === undefined ? null : measured.serverCpuMs / measured.ok,
    requests: measured.ok,
    errors: measured.errors + (warmup?.errors ?? 0),
    timeouts: measured.timeouts + (warmup?.timeouts ?? 0),
    non2xx: measured.non2xx + (warmup?.non2xx ?? 0),
    missing: measured.missing + (warmup?.missing ?? 0),
    failure,
    note: spec.note ?? null,
  };
}

/** Every result with its ratios to etcd and to the ceiling for the same group. */
export function withRatios(results: readonly CaseResult[]): ReportRow[] {
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
