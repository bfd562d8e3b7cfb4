/** The memory stage's result and its table. Pure. */
import { formatMB, formatRate } from './table.js';

export interface MemoryPoint {
  readonly keys: number;
  readonly leaderRssBytes: number;
  /**
   * The leader's V8 heap in use (live objects and garbage not collected yet), lowest of the idle
   * samples. RSS also counts heap V8 has grown and kept; this is what per-key state would fill.
   */
  readonly leaderHeapUsedBytes: number;
  readonly storageRssBytes: readonly number[];
  /** Disk blocks the storage nodes' data dirs use. */
  readonly storageDiskBytes: readonly number[];
}

export interface MemoryResult {
  readonly rf: number;
  readonly keys: number;
  readonly valueBytes: number;
  readonly loadConnections: number;
  readonly loadSeconds: number;
  readonly loadPerSecond: number;
  readonly retried: number;
  readonly points: readonly MemoryPoint[];
  /**
   * Leader RSS growth per key between the second point and the last (the first point, 0 keys, is
   * before the leader has served a request). Per-key state would show as tens of bytes or more.
   */
  readonly leaderBytesPerKey: number | null;
  /** The same for the leader's heap in use. */
  readonly leaderHeapBytesPerKey: number | null;
}

export function leaderBytesPerKey(
  points: readonly MemoryPoint[],
  of: (p: MemoryPoint) => number = (p) => p.leaderRssBytes,
): number | null {
  if (points.length < 3) return null;
  const [from, to] = [points[1], points[points.length - 1]];
  return to.keys === from.keys ? null : (of(to) - of(from)) / (to.keys - from.keys);
}

/** Renders a result; one written before the stage read the leader's heap (render.js) shows — there. */
export function formatMemory(m: MemoryResult): string {
  const older = m as Partial<MemoryResult> & { points: readonly Partial<MemoryPoint>[] };
  const rows = m.points.map((p, i) => [
    p.keys.toLocaleString('en-US'),
    formatMB(p.leaderRssBytes),
    older.points[i].leaderHeapUsedBytes === undefined ? '—' : formatMB(p.leaderHeapUsedBytes),
    p.storageRssBytes.map(formatMB).join(' / '),
    p.storageDiskBytes.map(formatMB).join(' / '),
  ]);
  const header = ['keys', 'leader RSS MB', 'leader heap MB', 'storage RSS MB', 'storage disk MB'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (c: string[]): string => c.map((t, i) => t.padStart(widths[i])).join('  ');
  const slope = (perKey: number | null): string => (perKey === null ? 'n/a' : `${perKey.toFixed(1)} bytes/key`);
  return [
    `memory: RF=${m.rf}, ${m.keys.toLocaleString('en-US')} keys of ${m.valueBytes} B loaded in ${Math.round(m.loadSeconds)} s ` +
      `(${formatRate(m.loadPerSecond)} writes/s over ${m.loadConnections} connections, ${m.retried} re-sent)`,
    line(header),
    ...rows.map(line),
    `leader growth from ${m.points[1]?.keys.toLocaleString('en-US') ?? '?'} keys on: RSS ${slope(m.leaderBytesPerKey)}, ` +
      `heap in use ${slope(older.leaderHeapBytesPerKey ?? null)}`,
  ].join('\n');
}
