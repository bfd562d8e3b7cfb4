/**
 * The order the leader lists keys in: by their UTF-8 bytes. JavaScript's `<` compares UTF-16 code
 * units instead, which disagrees for characters above U+FFFF against U+E000..U+FFFF ('\u{1F600}'
 * sorts before '\uFF01' in UTF-16 but after it in UTF-8), so a merge with a listing needs this.
 */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** The longest prefix two keys share, never ending in the middle of a surrogate pair. */
export function commonPrefix(a: string, b: string): string {
  let n = 0;
  const max = Math.min(a.length, b.length);
  while (n < max && a.charCodeAt(n) === b.charCodeAt(n)) n++;
  // A high surrogate alone at the end would make the prefix invalid UTF-8.
  if (n > 0 && /[\uD800-\uDBFF]/.test(a[n - 1])) n--;
  return a.slice(0, n);
}
