/**
 * Quorum: a partition has RF replicas; a write is acknowledged once a majority of them durably
 * stored it, and a read asks a majority and takes the highest revision. Any two majorities of the
 * same set share a node, so a read that starts after a write was acknowledged sees it (invariant 2),
 * and one node of three can be dead, hung or partitioned away without stopping either.
 */
export function majority(replicas: number): number {
  return Math.floor(replicas / 2) + 1;
}

export interface QuorumOutcome<T> {
  successes: T[];
  failures: unknown[];
}

/** Not enough of the attempts succeeded for a majority. */
export class QuorumNotReachedError extends Error {
  constructor(
    readonly needed: number,
    readonly succeeded: number,
    readonly failures: unknown[],
  ) {
    super(`${succeeded} of the ${needed} needed replicas answered`);
  }
}

/**
 * Settles as soon as `needed` attempts have succeeded (the stragglers go on in the background and
 * their results are ignored), or rejects with QuorumNotReachedError as soon as so many have failed
 * that `needed` successes are impossible.
 */
export function awaitQuorum<T>(attempts: readonly Promise<T>[], needed: number): Promise<QuorumOutcome<T>> {
  return new Promise((resolve, reject) => {
    const successes: T[] = [];
    const failures: unknown[] = [];
    if (needed <= 0) return resolve({ successes, failures });
    if (attempts.length < needed) return reject(new QuorumNotReachedError(needed, 0, failures));
    let settled = false;
    for (const attempt of attempts) {
      attempt.then(
        (value) => {
          successes.push(value);
          if (!settled && successes.length >= needed) {
            settled = true;
            resolve({ successes: [...successes], failures: [...failures] });
          }
        },
        (error: unknown) => {
          failures.push(error);
          if (!settled && attempts.length - failures.length < needed) {
            settled = true;
            reject(new QuorumNotReachedError(needed, successes.length, [...failures]));
          }
        },
      );
    }
  });
}

export interface Versioned {
  revision: number;
}

/** The record with the highest revision (Versioned Value: the newest write wins), or null. */
export function newest<T extends Versioned>(records: readonly (T | null)[]): T | null {
  let best: T | null = null;
  for (const record of records) if (record && (!best || record.revision > best.revision)) best = record;
  return best;
}
