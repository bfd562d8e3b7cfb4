/** Plain-text tables for the terminal and the README (GitHub markdown). Pure functions. */
import { badAnswers, type ReportRow } from './report.js';

const DASH = '—';

/** Milliseconds with the precision that means something at that size: 0.42, 3.7, 41, 1,530. */
export function formatMs(ms: number | null): string {
  if (ms === null) return DASH;
  if (ms < 1) return ms.toFixed(2);
  if (ms < 10) return ms.toFixed(1);
  return Math.round(ms).toLocaleString('en-US');
}

/** Requests per second: 12,345 · 71.3 · 4.25. */
export function formatRate(rate: number | null): string {
  if (rate === null) return DASH;
  if (rate >= 100) return Math.round(rate).toLocaleString('en-US');
  if (rate >= 10) return rate.toFixed(1);
  return rate.toFixed(2);
}

export function formatRatio(ratio: number | null): string {
  return ratio === null ? '' : `${ratio.toFixed(2)}×`;
}

/** Megabytes of a byte count, one decimal. */
export const formatMB = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);

const HEADER = [
  'case',
  'conns',
  'req/s',
  'p50 ms',
  'p99 ms',
  'cpu ms/req',
  'errors',
  'ours/etcd',
  'ours/ceiling',
] as const;

function cells(row: ReportRow): string[] {
  const failed = row.status === 'FAILED';
  return [
    row.id,
    String(row.connections),
    failed ? 'FAILED' : formatRate(row.reqPerSec),
    formatMs(row.p50Ms),
    formatMs(row.p99Ms),
    formatMs(row.cpuMsPerRequest),
    String(badAnswers(row)),
    formatRatio(row.vsEtcd),
    formatRatio(row.vsCeiling),
  ];
}

/** Why each FAILED case failed, one line each. */
function failureLines(rows: readonly ReportRow[]): string[] {
  return rows.filter((r) => r.status === 'FAILED').map((r) => `${r.id} FAILED: ${r.failure}`);
}

/** A fixed-width table: the case left-aligned, numbers right-aligned, then the failures. */
export function formatTable(rows: readonly ReportRow[]): string {
  const body = rows.map(cells);
  const widths = HEADER.map((h, i) => Math.max(h.length, ...body.map((c) => c[i].length)));
  const line = (c: readonly string[]): string =>
    c
      .map((text, i) => (i === 0 ? text.padEnd(widths[i]) : text.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(HEADER), ...body.map(line), ...failureLines(rows)].join('\n');
}

/** The same as a markdown table (for bench/README.md). */
export function formatMarkdown(rows: readonly ReportRow[]): string {
  const line = (c: readonly string[]): string => `| ${c.join(' | ')} |`;
  const align = HEADER.map((_, i) => (i === 0 ? '---' : '---:'));
  const failures = failureLines(rows);
  return [
    line(HEADER),
    line(align),
    ...rows.map((r) => line(cells(r))),
    ...(failures.length ? ['', ...failures] : []),
  ].join('\n');
}

/** What a row says about the CPU of the systems that sat idle while its system was measured. */
export interface IdleCpu {
  readonly requests: number;
  readonly reqPerSec: number | null;
  readonly cpuMsPerRequestBy?: Readonly<Record<string, number | null>>;
  /** Absent in results written before the rounds; null when no other system was up. */
  readonly idleCpuMs?: number | null;
}

/**
 * "idle systems: 520 ms of CPU while 2 cases were measured beside them (65 ms per second, 9.5% of
 * what the measured systems used)", or null when no case ran with another system up.
 */
export function formatIdleCpu(rows: readonly IdleCpu[]): string | null {
  const beside = rows.filter((r) => r.idleCpuMs !== undefined && r.idleCpuMs !== null);
  if (beside.length === 0) return null;
  const sum = (of: (r: IdleCpu) => number, among = beside): number => among.reduce((total, r) => total + of(r), 0);
  const idle = sum((r) => r.idleCpuMs!);
  const own = sum(
    (r) => Object.values(r.cpuMsPerRequestBy ?? {}).reduce<number>((a, v) => a + (v ?? 0), 0) * r.requests,
  );
  // Seconds measured, from the cases with numbers (a FAILED case has no rate).
  const timed = beside.filter((r) => r.reqPerSec);
  const seconds = sum((r) => r.requests / r.reqPerSec!, timed);
  const perSecond = seconds > 0 ? `${formatMs(sum((r) => r.idleCpuMs!, timed) / seconds)} ms per second` : null;
  const share = own > 0 ? `${((idle / own) * 100).toFixed(1)}% of what the measured systems used` : null;
  const details = [perSecond, share].filter(Boolean).join(', ');
  const cases = `${beside.length} case${beside.length === 1 ? ' was' : 's were'}`;
  return `idle systems: ${formatMs(idle)} ms of CPU while ${cases} measured beside them${details ? ` (${details})` : ''}`;
}
