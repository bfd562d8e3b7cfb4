/**
 * The stable key hash behind Fixed Partitions: FNV-1a (32-bit) over the key's UTF-8 bytes, then
 * murmur3's fmix32 finaliser so that the low bits (which `mod PARTITIONS` keeps) are well mixed.
 * It must never change: every stored key's partition depends on it (hash.spec.ts pins vectors).
 */
const utf8 = new TextEncoder();

export function stableHash(key: string): number {
  // TextEncoder rather than Buffer: the dashboard bundles this file to show a key's partition in the browser.
  const bytes = utf8.encode(key);
  let h = 0x811c9dc5;
  for (const byte of bytes) {
    h ^= byte;
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** partition = stableHash(key) mod partitions. */
export function partitionOf(key: string, partitions: number): number {
  return stableHash(key) % partitions;
}
