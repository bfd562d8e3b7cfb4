import { compareKeys } from '../../storage/engines/versioned-store.js';

/** One node's answer to a scan of some partitions: items in key order, tombstones included. */
export interface ScanPage {
  items: { key: string; revision: number; value?: string | null }[];
  more: boolean;
}

export interface MergedItem {
  key: string;
  revision: number;
  value: string | null;
}

/**
 * Merges the pages several replicas returned for the same key range (a prefix listing that reads
 * a majority of each partition): per key the highest revision wins, and a tombstone at the highest
 * revision hides the key. A node that stopped early (`more`) only vouches for keys up to its last
 * one, so the merge is complete only up to the smallest such key: `boundary` (undefined when every
 * node returned everything). Live items beyond the boundary are not returned.
 */
export function mergePages(
  pages: readonly ScanPage[],
  { keepTombstones = false }: { keepTombstones?: boolean } = {},
): { items: MergedItem[]; boundary?: string } {
  let boundary: string | undefined;
  for (const page of pages) {
    const last = page.items[page.items.length - 1];
    if (page.more && last && (boundary === undefined || compareKeys(last.key, boundary) < 0)) boundary = last.key;
  }
  const best = new Map<string, MergedItem>();
  for (const page of pages) {
    for (const item of page.items) {
      if (boundary !== undefined && compareKeys(item.key, boundary) > 0) continue;
      const seen = best.get(item.key);
      if (!seen || item.revision > seen.revision)
        best.set(item.key, { key: item.key, revision: item.revision, value: item.value ?? null });
    }
  }
  const items = [...best.values()]
    .filter((i) => keepTombstones || i.value !== null)
    .sort((a, b) => compareKeys(a.key, b.key));
  return { items, boundary };
}
