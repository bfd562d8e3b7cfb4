import type { ClusterInfo, ClusterNode, PartitionInfo, PartitionState } from './types.js';

/** How `ddb cluster` shows the leader's view to a person. Pure functions of the data. */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
/** Longest list of partition numbers printed on one line before it is cut short. */
const MAX_LISTED = 20;

/** 1536 → "1.5 KiB"; binary units, one decimal below 10, whole numbers above. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${value} B`;
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${UNITS[unit]}`;
}

export function formatUsage(node: Pick<ClusterNode, 'usedBytes' | 'capacityBytes'>): string {
  const { usedBytes: used, capacityBytes: capacity } = node;
  if (used === undefined) return capacity === undefined ? '-' : `? / ${formatBytes(capacity)}`;
  if (capacity === undefined || capacity <= 0) return formatBytes(used);
  const percent = (100 * used) / capacity;
  const shown = percent > 0 && percent < 1 ? '<1' : String(Math.round(percent));
  return `${formatBytes(used)} / ${formatBytes(capacity)} (${shown}%)`;
}

/** Columns padded to their widest cell; numeric columns aligned right. */
export function renderTable(
  header: string[],
  rows: string[][],
  rightAligned: ReadonlySet<number> = new Set(),
): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (rightAligned.has(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

export function formatCluster(info: ClusterInfo): string {
  const rows = info.nodes.map((node) => [
    node.id,
    node.role,
    node.draining ? `${node.status} (draining)` : node.status,
    formatUsage(node),
    node.keyCount === undefined ? '-' : String(node.keyCount),
    String(node.partitions),
    node.url,
  ]);
  const table = renderTable(
    ['NODE', 'ROLE', 'STATUS', 'USED / CAPACITY', 'KEYS', 'PARTITIONS', 'URL'],
    rows,
    new Set([4, 5]),
  );
  const leader = `leader: ${info.leader.id}${info.leader.url ? ` (${info.leader.url})` : ''}${info.leader.ready ? '' : ', not ready yet'}`;
  return [leader, '', ...table, '', ...partitionSummary(info)].join('\n');
}

export function partitionSummary(info: ClusterInfo): string[] {
  const unplaced = info.unplaced.length;
  const lines = [
    `partitions: ${info.partitionCount} total, ${info.partitionCount - unplaced} placed, ${unplaced} unplaced; ` +
      `replication factor ${info.replicationFactor}`,
  ];
  if (unplaced > 0) lines.push(`unplaced (${unplaced}): ${listNumbers(info.unplaced)}`);
  const unhealthy: PartitionState[] = ['moving', 'under-replicated', 'unavailable'];
  for (const state of unhealthy) {
    const found = info.partitions.filter((p: PartitionInfo) => p.state === state).map((p) => p.partition);
    if (found.length > 0) lines.push(`${state} (${found.length}): ${listNumbers(found)}`);
  }
  if (lines.length === 1) lines.push('all partitions healthy');
  return lines;
}

function listNumbers(numbers: number[]): string {
  const sorted = [...numbers].sort((a, b) => a - b);
  const shown = sorted.slice(0, MAX_LISTED).join(', ');
  return sorted.length > MAX_LISTED ? `${shown}, … (+${sorted.length - MAX_LISTED} more)` : shown;
}
