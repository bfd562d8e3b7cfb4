import type { ClusterView, FeedEvent, NodeView, PartitionView } from './types.js';

/** Small DOM builder: every text goes through textContent, never innerHTML. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

export function bytes(n: number | undefined): string {
  if (n === undefined) return '?';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) ((n /= 1024), i++);
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

export function ago(iso: string | undefined, now = Date.now()): string {
  if (!iso) return 'never';
  const s = Math.max(0, (now - Date.parse(iso)) / 1000);
  return s < 60 ? `${s.toFixed(1)} s ago` : `${Math.floor(s / 60)} min ago`;
}

function nodeCard(node: NodeView): HTMLElement {
  const used = node.usedBytes ?? 0;
  const capacity = node.capacityBytes ?? 0;
  const rows: [string, string][] = [
    ['URL', node.url || '—'],
    ['Keys', node.keyCount === undefined ? '—' : String(node.keyCount)],
    ['Partitions', String(node.partitions)],
    ['Heartbeat', node.role === 'registry' ? '—' : ago(node.lastHeartbeatAt)],
  ];
  const card = el(
    'article',
    { class: `node-card status-${node.status.toLowerCase()}`, 'data-node': node.id },
    el('h3', {}, node.id, ' ', el('span', { class: 'role' }, node.role)),
    el('p', { class: 'status' }, node.status + (node.draining ? ' (draining)' : '')),
    el('dl', {}, ...rows.flatMap(([k, v]) => [el('dt', {}, k), el('dd', k === 'Heartbeat' ? { 'data-heartbeat': node.lastHeartbeatAt ?? '' } : {}, v)])),
  );
  if (node.role === 'storage') {
    const label = `Space: ${bytes(used)} of ${bytes(capacity)}`;
    card.append(el('label', {}, label, el('meter', { min: '0', max: String(capacity || 1), value: String(used), 'aria-label': label })));
  }
  return card;
}

/** A short name for a replica inside a grid cell: storage-12 → s12. */
function short(id: string): string {
  return id.replace(/^storage-/, 's');
}

export function partitionText(p: PartitionView): string {
  const learners = p.learners.length ? `, copying to ${p.learners.join(', ')}` : '';
  return `Partition ${p.partition}: ${p.state}, epoch ${p.epoch}, replicas ${p.replicas.join(', ')}${learners}, ${p.keyCount ?? 0} keys, ${bytes(p.bytes)}`;
}

function cell(p: PartitionView | undefined, index: number, details: HTMLElement): HTMLElement {
  const state = p?.state ?? 'unplaced';
  const text = p ? partitionText(p) : `Partition ${index}: not placed yet (no key written)`;
  const button = el(
    'button',
    { type: 'button', class: `cell state-${state}`, 'data-partition': String(index), 'data-state': state, 'aria-label': text, title: text },
    el('span', { class: 'pid' }, String(index)),
    el('span', { class: 'holders' }, p ? p.replicas.map(short).join(' ') : '·'),
    el('span', { class: 'badge' }, { healthy: '', 'under-replicated': '!', moving: '→', unavailable: '✕', unplaced: '' }[state] ?? '?'),
  );
  const show = () => (details.textContent = text);
  button.addEventListener('mouseenter', show);
  button.addEventListener('focus', show);
  return button;
}

export function renderCluster(view: ClusterView, root: Document): void {
  const nodes = root.getElementById('nodes')!;
  nodes.replaceChildren(...view.nodes.map(nodeCard));

  const byIndex = new Map(view.partitions.map((p) => [p.partition, p]));
  const details = root.getElementById('partition-details')!;
  root.getElementById('partition-grid')!.replaceChildren(
    ...Array.from({ length: view.partitionCount }, (_, i) => cell(byIndex.get(i), i, details)),
  );
  const counts = new Map<string, number>();
  for (const p of view.partitions) counts.set(p.state, (counts.get(p.state) ?? 0) + 1);
  if (view.unplaced.length) counts.set('unplaced', view.unplaced.length);
  root.getElementById('partition-summary')!.textContent =
    `${view.partitionCount} partitions, replication factor ${view.replicationFactor}: ` +
    [...counts].map(([state, n]) => `${n} ${state}`).join(', ') +
    `. Repairs and moves finished: ${view.completedMoves}.`;

  // Scores are tiny next to real capacities: the bars are scaled to the fullest node so the spread shows.
  const storage = view.nodes.filter((n) => n.role === 'storage');
  const scoreOf = (n: NodeView) => (n.capacityBytes ? (n.usedBytes ?? 0) / n.capacityBytes : 0);
  const fullest = Math.max(...storage.map(scoreOf), Number.MIN_VALUE);
  root.getElementById('balance')!.replaceChildren(
    ...storage.map((n) => {
      const score = scoreOf(n);
      const label = `${n.id}: space score ${(score * 100).toPrecision(3)}% (${bytes(n.usedBytes)} used), ${n.partitions} partitions`;
      return el('li', {}, el('span', {}, label), el('meter', { min: '0', max: String(fullest), value: String(score), 'aria-label': label }));
    }),
  );
  root.getElementById('leader-info')!.textContent =
    `Leader ${view.leader.id} — ${view.leader.ready ? 'ready' : 'not ready yet'}, revision ${view.leader.revision}`;
}

/** Ages the "last heartbeat" texts between snapshots. */
export function tickAges(root: Document): void {
  for (const dd of root.querySelectorAll<HTMLElement>('[data-heartbeat]')) dd.textContent = ago(dd.dataset.heartbeat || undefined);
}

export function eventItem(event: FeedEvent): HTMLElement {
  return el('li', { class: `event-${event.kind}` }, el('time', { datetime: event.at }, new Date(event.at).toLocaleTimeString()), ' ', event.message);
}
