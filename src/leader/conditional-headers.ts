import { InvalidInputError } from '../common/errors.js';
import type { WriteConditions } from './kv.service.js';

/** ETag of a revision: a strong entity tag holding the number, e.g. "1042". */
export function etagOf(revision: number): string {
  return `"${revision}"`;
}

/**
 * Reads If-Match ("<rev>", a bare number, or W/"<rev>") and If-None-Match (only "*" is meaningful
 * for writes) into conditions. Anything else is a 400, never silently ignored.
 */
export function parseConditions(ifMatch: string | undefined, ifNoneMatch: string | undefined): WriteConditions {
  const conditions: WriteConditions = {};
  if (ifMatch !== undefined) {
    const match = /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/.exec(ifMatch);
    if (!match)
      throw new InvalidInputError(`If-Match must be a revision ETag like "42", got ${JSON.stringify(ifMatch)}`);
    conditions.ifMatch = Number(match[1]);
  }
  if (ifNoneMatch !== undefined) {
    if (ifNoneMatch.trim() !== '*') {
      throw new InvalidInputError(
        `If-None-Match supports only "*" (create if absent), got ${JSON.stringify(ifNoneMatch)}`,
      );
    }
    conditions.ifNoneMatch = true;
  }
  if (conditions.ifMatch !== undefined && conditions.ifNoneMatch) {
    throw new InvalidInputError('If-Match and If-None-Match cannot be combined');
  }
  return conditions;
}
