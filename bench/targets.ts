/**
 * The bar issue 5 sets, checked against one run's rows: ratios to etcd and to the ceiling, no
 * errors anywhere, p99 under 50 ms at 50 connections. Pure. A target whose cases did not run is
 * "not measured", never met. A ratio target is judged on the merged rounds' req/s, and shows the
 * spread of the ratio round by round beside it (round r of ours over round r of theirs: the two
 * ran minutes apart at most, so under much the same neighbours).
 */
import type { ReportRow, RunNumbers } from './report.js';
import { formatMs } from './table.js';

export interface TargetCheck {
  readonly target: string;
  /** What the run shows, in words: "0.42×", "FAILED", "3 cases FAILED", "not measured". */
  readonly seen: string;
  readonly met: boolean | null;
  /** A ratio target's ratio in each round, when both cases ran in the same rounds. */
  readonly rounds?: readonly number[];
}

const P99_LIMIT_MS = 50;

function ratioTarget(rows: readonly ReportRow[], ours: string, other: 'etcd' | 'ceiling', at: number): TargetCheck {
  const row = rows.find((r) => r.id === ours);
  const ratio = other === 'etcd' ? row?.vsEtcd : row?.vsCeiling;
  const theirs = rows.find((r) => r.system === other && r.group === row?.group);
  const target = `${ours} ≥ ${at}× ${theirs?.id ?? other}`;
  if (!row || !theirs) return { target, seen: 'not measured', met: null };
  if (row.status === 'FAILED' || theirs.status === 'FAILED') {
    return { target, seen: `${row.status === 'FAILED' ? ours : theirs.id} FAILED`, met: false };
  }
  const rounds = roundRatios(row.rounds, theirs.rounds);
  return { target, seen: `${ratio!.toFixed(2)}×${formatSpread(rounds)}`, met: ratio! >= at, rounds };
}

/** Round r of ours over round r of theirs; none unless both ran the same number of rounds, with numbers. */
export function roundRatios(ours?: readonly RunNumbers[], theirs?: readonly RunNumbers[]): number[] {
  if (!ours || !theirs || ours.length !== theirs.length) return [];
  const ratios = ours.map((round, r) => {
    const [a, b] = [round.reqPerSec, theirs[r].reqPerSec];
    return a === null || b === null ? null : a / b;
  });
  return ratios.every((ratio) => ratio !== null) ? ratios : [];
}

/** " (rounds 0.61-0.70)": the lowest and highest per-round ratio; nothing for fewer than two rounds. */
export function formatSpread(ratios: readonly number[]): string {
  if (ratios.length < 2) return '';
  return ` (rounds ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)})`;
}

export function checkTargets(rows: readonly ReportRow[]): TargetCheck[] {
  const failed = rows.filter((r) => r.status === 'FAILED');
  const at50 = rows.filter((r) => r.system === 'ddb' && r.connections === 50 && r.group !== 'memory');
  const slow = at50.filter((r) => r.status === 'ok' && r.p99Ms! >= P99_LIMIT_MS);
  return [
    ratioTarget(rows, 'ddb-get-rf3', 'etcd', 0.8),
    ratioTarget(rows, 'ddb-put-rf3', 'etcd', 0.6),
    ratioTarget(rows, 'ddb-get-rf3', 'ceiling', 0.5),
    {
      target: 'no errors in any case',
      seen:
        rows.length === 0
          ? 'not measured'
          : failed.length === 0
            ? 'none'
            : `${failed.length} case${failed.length === 1 ? '' : 's'} FAILED`,
      met: rows.length === 0 ? null : failed.length === 0,
    },
    {
      target: `ddb p99 < ${P99_LIMIT_MS} ms at 50 connections`,
      seen:
        at50.length === 0
          ? 'not measured'
          : slow.length + at50.filter((r) => r.status === 'FAILED').length === 0
            ? 'all under'
            : [
                ...slow.map((r) => `${r.id} ${formatMs(r.p99Ms)} ms`),
                ...at50.filter((r) => r.status === 'FAILED').map((r) => `${r.id} FAILED`),
              ].join(', '),
      met: at50.length === 0 ? null : slow.length === 0 && at50.every((r) => r.status === 'ok'),
    },
  ];
}

export function formatTargets(checks: readonly TargetCheck[]): string {
  const width = Math.max(...checks.map((c) => c.target.length));
  const verdict = (met: boolean | null): string => (met === null ? 'not measured' : met ? 'met' : 'NOT MET');
  return [
    'issue 5 targets:',
    ...checks.map((c) =>
      `  ${c.target.padEnd(width)}  ${verdict(c.met).padEnd(12)}  ${c.met === null ? '' : c.seen}`.trimEnd(),
    ),
  ].join('\n');
}
