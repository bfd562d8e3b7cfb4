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

const HEADER = ['case', 'conns', 'req/s', 'p50 ms', 'p99 ms', 'cpu ms/req', 'errors', 'ours/etcd', 'ours/ceiling'] as const;

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
    c.map((text, i) => (i === 0 ? text.padEnd(widths[i]) : text.padStart(widths[i]))).join('  ').trimEnd();
  return [line(HEADER), ...body.map(line), ...failureLines(rows)].join('\n');
}

/** The same as a markdown table (for bench/README.md). */
export function formatMarkdown(rows: readonly ReportRow[]): string {
  const line = (c: readonly string[]): string => `| ${c.join(' | ')} |`;
  const align = HEADER.map((_, i) => (i === 0 ? '---' : '---:'));
  const failures = failureLines(rows);
  return [line(HEADER), line(align), ...rows.map((r) => line(cells(r))), ...(failures.length ? ['', ...failures] : [])].join('\n');
}
