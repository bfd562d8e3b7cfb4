import { compareKeys } from './key-order.js';
import type { ListItem } from './types.js';

/**
 * What a load needs to know to skip a key: does the target already hold it, and with what value?
 * Asking with one GET per key costs a round trip each. A dump is in key order, so instead the
 * target's listing of the same range (values included) is walked alongside the file, once, like
 * the merge step of a merge join: 10,000 keys take ten 1000-key pages instead of 10,000 GETs.
 *
 * The walk only moves forward. A key that is not after the previous one (the file is not
 * sorted, or repeats a key) cannot be answered from the walk: lookup() says "unknown", and the
 * caller asks the server for that key alone. So an unsorted file still loads correctly, just
 * with one GET per out-of-order line.
 */

export type Lookup =
  /** From the walk: the target's entry, or null when the target lacks the key. */
  | { known: true; current: ListItem | null }
  /** The walk has passed this key; ask the server. */
  | { known: false };

export class MergeJoin {
  /** The largest key looked up so far: the walk is positioned after it. */
  private last: string | undefined;
  /** The next target entry not yet passed by the walk (undefined: not fetched yet). */
  private head: ListItem | undefined;
  private exhausted = false;

  constructor(
    /** The target's listing under `prefix`, in key order, with values. */
    private readonly target: AsyncIterator<ListItem>,
    /** The range the listing covers; a key outside it is unknown. */
    private readonly prefix = '',
  ) {}

  async lookup(key: string): Promise<Lookup> {
    if (!key.startsWith(this.prefix)) return { known: false };
    if (this.last !== undefined && compareKeys(key, this.last) <= 0) return { known: false };
    this.last = key;
    for (;;) {
      if (this.head === undefined) {
        if (this.exhausted) return { known: true, current: null };
        const next = await this.target.next();
        if (next.done) {
          this.exhausted = true;
          return { known: true, current: null };
        }
        this.head = next.value;
      }
      const order = compareKeys(this.head.key, key);
      if (order > 0) return { known: true, current: null };
      const passed = this.head;
      this.head = undefined;
      if (order === 0) return { known: true, current: passed };
    }
  }

  /** Stops the listing (a load that ends early need not read the rest). */
  async close(): Promise<void> {
    await this.target.return?.();
  }
}

/** A key whose target value already equals the file's is skipped: writing it would change nothing but its revision. */
export function holdsValue(current: Pick<ListItem, 'value'> | null, value: string): boolean {
  return current !== null && current.value === value;
}
