/**
 * Prefix listing against key count: the time to list every key under a prefix that holds n keys,
 * as a client would: ours in pages of 1,000 (the API's largest page) following nextCursor, etcd in
 * one range request (keys only). Each listing is repeated; a listing that returns another number
 * of keys than were written counts as missing, any non-2xx as a failure.
 */
import type { RawRun } from './report.js';

const PAGE = 1000;

/** One full listing: how many keys it returned, or the status of the answer that failed. */
type Listing = { keys: number } | { status: number };

async function listDdb(url: string, prefix: string): Promise<Listing> {
  let keys = 0;
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ prefix, limit: String(PAGE), ...(cursor ? { cursor } : {}) });
    const answer = await fetch(`${url}/kv?${query}`);
    if (!answer.ok) return { status: answer.status };
    const page = (await answer.json()) as { items: unknown[]; nextCursor: string | null };
    keys += page.items.length;
    cursor = page.nextCursor;
  } while (cursor !== null);
  return { keys };
}

/** etcd's range_end for "every key with this prefix": the prefix with its last byte + 1. */
export function prefixEnd(prefix: string): Buffer {
  const end = Buffer.from(prefix, 'utf8');
  end[end.length - 1] += 1;
  return end;
}

async function listEtcd(url: string, prefix: string): Promise<Listing> {
  const answer = await fetch(`${url}/v3/kv/range`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      key: Buffer.from(prefix, 'utf8').toString('base64'),
      range_end: prefixEnd(prefix).toString('base64'),
      keys_only: true,
    }),
  });
  if (!answer.ok) return { status: answer.status };
  const body = (await answer.json()) as { kvs?: unknown[] };
  return { keys: body.kvs?.length ?? 0 };
}

export async function measureListing(system: 'ddb' | 'etcd', url: string, prefix: string, expected: number, repeats: number): Promise<RawRun> {
  const durations: number[] = [];
  const statusCounts: Record<string, number> = {};
  let missing = 0;
  let non2xx = 0;
  let errors = 0;
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    let listing: Listing;
    try {
      listing = system === 'ddb' ? await listDdb(url, prefix) : await listEtcd(url, prefix);
    } catch {
      errors += 1;
      continue;
    }
    const ms = performance.now() - started;
    if ('status' in listing) {
      non2xx += 1;
      statusCounts[String(listing.status)] = (statusCounts[String(listing.status)] ?? 0) + 1;
    } else if (listing.keys !== expected) {
      missing += Math.abs(expected - listing.keys);
    } else {
      durations.push(ms);
    }
  }
  return {
    seconds: durations.reduce((sum, ms) => sum + ms, 0) / 1000,
    ok: durations.length,
    non2xx,
    statusCounts,
    errors,
    timeouts: 0,
    missing,
    latenciesMs: durations.sort((a, b) => a - b),
  };
}
