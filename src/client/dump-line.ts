import { DistributedDbError } from './errors.js';
import { keyPath } from './key-path.js';
import type { ListItem } from './types.js';

/**
 * The dump format (JSON Lines): one JSON object per key, one key per line, in key order:
 *   {"key":"users/42","value":"{\"name\":\"Ada\"}","revision":1042}
 * `revision` is the key's revision in the cluster it was dumped from, when it was read. It tells
 * what the dump saw; a load cannot give it back, because the target assigns its own revisions.
 */
export interface DumpEntry {
  key: string;
  value: string;
  /** Optional in a hand-written file. */
  revision?: number;
}

export function formatDumpLine(item: ListItem): string {
  if (item.value === undefined) throw new TypeError(`the listing of ${JSON.stringify(item.key)} carries no value`);
  return `${JSON.stringify({ key: item.key, value: item.value, revision: item.revision })}\n`;
}

/** A line of a load file that is not a dump entry. */
export class DumpLineError extends Error {
  constructor(
    readonly line: number,
    readonly problem: string,
  ) {
    super(`line ${line}: ${problem}`);
    this.name = 'DumpLineError';
  }
}

/** The entry on one line (numbered from 1); null for a blank line. Throws DumpLineError. */
export function parseDumpLine(text: string, line: number): DumpEntry | null {
  if (text.trim() === '') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new DumpLineError(line, `not JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new DumpLineError(line, 'expected a JSON object with "key" and "value"');
  }
  const { key, value, revision } = parsed as Record<string, unknown>;
  if (typeof key !== 'string') throw new DumpLineError(line, '"key" must be a string');
  try {
    keyPath(key);
  } catch (error) {
    throw new DumpLineError(line, error instanceof DistributedDbError ? error.message : String(error));
  }
  if (typeof value !== 'string') throw new DumpLineError(line, `"value" of ${JSON.stringify(key)} must be a string`);
  if (!value.isWellFormed()) throw new DumpLineError(line, `"value" of ${JSON.stringify(key)} is not valid UTF-8`);
  if (revision === undefined) return { key, value };
  if (typeof revision !== 'number' || !Number.isSafeInteger(revision) || revision < 0) {
    throw new DumpLineError(line, `"revision" of ${JSON.stringify(key)} must be a non-negative integer`);
  }
  return { key, value, revision };
}
