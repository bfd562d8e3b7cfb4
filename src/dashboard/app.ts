import { partitionOf, stableHash } from '../common/hash.js';
import { el, eventItem, renderCluster, tickAges } from './render.js';
import { SseParser } from './sse-parser.js';
import type { KvEntry, ListPage } from '../client/types.js';
import type { ClusterView, FeedEvent } from './types.js';

/**
 * The live cluster map. Reads GET /cluster/events with fetch (so the API token travels in the
 * Authorization header, never in a URL), re-renders on every snapshot and reconnects by itself.
 */
const TOKEN_KEY = 'ddb-api-token';
const RECONNECT_MS = 1000;
const PAGE_SIZE = 20;

let view: ClusterView | undefined;
let token = sessionStorage.getItem(TOKEN_KEY) ?? '';
const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

function headers(): Record<string, string> {
  return token ? { Authorization: `Bearer ${token}` } : {};
}

class Unauthorized extends Error {}

function setConnection(live: boolean, text: string): void {
  const status = $('connection');
  status.textContent = text;
  status.dataset.live = String(live);
}

function askForToken(): Promise<void> {
  setConnection(false, 'API token needed');
  $('main').hidden = true;
  $('token-form').hidden = false;
  $('token').focus();
  return new Promise((resolve) => {
    $('token-form').addEventListener(
      'submit',
      (e) => {
        e.preventDefault();
        token = $<HTMLInputElement>('token').value.trim();
        sessionStorage.setItem(TOKEN_KEY, token);
        $('token-form').hidden = true;
        $('main').hidden = false;
        resolve();
      },
      { once: true },
    );
  });
}

/** One connection: resolves when the stream ends, rejects on an error. */
async function stream(): Promise<void> {
  const res = await fetch('/cluster/events', { headers: { ...headers(), Accept: 'text/event-stream' }, cache: 'no-store' });
  if (res.status === 401) throw new Unauthorized();
  if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
  setConnection(true, 'Live');
  $('events').replaceChildren(); // the server resends its recent history on every connection
  const parser = new SseParser();
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    for (const message of parser.push(value)) {
      if (message.event === 'snapshot') {
        view = JSON.parse(message.data) as ClusterView;
        renderCluster(view, document);
      } else if (message.event === 'event') {
        $('events').prepend(eventItem(JSON.parse(message.data) as FeedEvent));
      }
    }
  }
}

async function live(): Promise<void> {
  for (;;) {
    try {
      await stream();
    } catch (error) {
      if (error instanceof Unauthorized) {
        await askForToken();
        continue;
      }
    }
    setConnection(false, 'Disconnected — reconnecting…');
    await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
  }
}

async function api(path: string): Promise<Response> {
  const res = await fetch(path, { headers: headers(), cache: 'no-store' });
  if (res.status === 401) throw new Error('the API token was refused');
  return res;
}

function field(name: string, value: string): HTMLElement[] {
  return [el('dt', {}, name), el('dd', { 'data-field': name.toLowerCase() }, value)];
}

async function whereIsMyKey(key: string): Promise<void> {
  const out = $('key-result');
  if (!view) return void out.replaceChildren(el('p', {}, 'No cluster view yet.'));
  const hash = stableHash(key);
  const partition = partitionOf(key, view.partitionCount);
  const placed = view.partitions.find((p) => p.partition === partition);
  // The key as one path segment, dots escaped, as the client's keyPath() sends it.
  const res = await api(`/kv/${encodeURIComponent(key).replace(/\./g, '%2E')}`);
  const found = res.ok ? ((await res.json()) as KvEntry) : undefined;
  out.replaceChildren(
    el(
      'dl',
      {},
      ...field('Hash', `${hash} (0x${hash.toString(16).padStart(8, '0')})`),
      ...field('Partition', `${partition} = ${hash} mod ${view.partitionCount}`),
      ...field('Replicas', placed ? placed.replicas.join(', ') : 'none yet (partition not placed)'),
      ...field('Value', found ? found.value : res.status === 404 ? '(no such key)' : `error: HTTP ${res.status}`),
      ...field('Revision', found ? String(found.revision) : '—'),
    ),
  );
}

let cursor: string | null = null;

async function listPage(prefix: string, from: string | null): Promise<void> {
  const query = new URLSearchParams({ prefix, limit: String(PAGE_SIZE) });
  if (from) query.set('cursor', from);
  const res = await api(`/kv?${query}`);
  const list = $('prefix-results');
  if (!res.ok) return void list.replaceChildren(el('li', {}, `error: HTTP ${res.status}`));
  const page = (await res.json()) as ListPage;
  list.replaceChildren(...page.items.map((i) => el('li', {}, el('code', {}, i.key), ` (revision ${i.revision})`)));
  if (page.items.length === 0) list.append(el('li', {}, 'no keys'));
  cursor = page.nextCursor;
  $<HTMLButtonElement>('next-page').disabled = cursor === null;
}

$('key-form').addEventListener('submit', (e) => {
  e.preventDefault();
  void whereIsMyKey($<HTMLInputElement>('key').value).catch((err: Error) => $('key-result').replaceChildren(el('p', {}, err.message)));
});
$('prefix-form').addEventListener('submit', (e) => {
  e.preventDefault();
  void listPage($<HTMLInputElement>('prefix').value, null);
});
$('next-page').addEventListener('click', () => void listPage($<HTMLInputElement>('prefix').value, cursor));
setInterval(() => tickAges(document), 1000);
void live();
