/**
 * The cluster-wide revision (etcd style): one number that only grows, issued by the leader for
 * every write and every placement epoch. The leader keeps it in memory only; after a restart it
 * observes the highest revision every storage node reports and continues above it, and it keeps
 * observing as nodes report, so a node that comes back later can never hold a higher revision
 * than the next one issued for its partitions.
 */
export class RevisionClock {
  /** The highest revision issued or observed. */
  private last = 0;

  get current(): number {
    return this.last;
  }

  observe(revision: number): void {
    if (revision > this.last) this.last = revision;
  }

  next(): number {
    this.last += 1;
    return this.last;
  }
}
