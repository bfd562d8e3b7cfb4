import { Injectable, Logger } from '@nestjs/common';
import { PartitionUnavailableError } from '../../common/errors.js';
import type { OpDto, OpResultDto, PreviousDto, RecordDto } from '../../storage/dto/ops.dto.js';
import { ClusterStateService } from '../cluster-state.service.js';
import { members, type Placement } from '../placement/partition-table.js';
import { NodeUnreachableError, StorageClient } from '../storage-client.js';
import { awaitQuorum, majority, newest, QuorumNotReachedError } from './quorum.js';

/** A replica refused an op because the leader's view of the partition is older than its own. */
export class ReplicaRefusedError extends Error {
  constructor(
    readonly code: 'not-owner',
    message: string,
  ) {
    super(message);
  }
}

/** Times an op is re-sent with the newer placement after replicas refused an older one. */
const MAX_EPOCH_RETRIES = 3;

/** A write reached fewer than a majority of replicas in time: it may or may not have applied. */
export class WriteOutcomeUnknownError extends PartitionUnavailableError {
  constructor(message: string, partition: number) {
    super(message, partition);
    this.details.outcome = 'unknown';
  }
}

/** A write or delete at the revision the leader issued. */
export type ReplicatedWrite =
  { type: 'put'; key: string; value: string; revision: number } | { type: 'delete'; key: string; revision: number };

/**
 * Quorum + Read repair over one partition's replica set.
 * - write: sent to every member in parallel (learners too, so a copy in progress misses nothing);
 *   acknowledged once a majority of the voting replicas stored it durably.
 * - read: asks the voting replicas, answers from the first majority, newest revision wins; replicas
 *   of that majority that are behind get the newest record written back before the answer, so no
 *   later read can "un-see" it.
 */
@Injectable()
export class ReplicatedStore {
  private readonly logger = new Logger('Replication');
  /** Writes in flight per partition, so a copy can wait for the ones that started before it. */
  private readonly inFlight = new Map<number, Set<Promise<unknown>>>();
  /** Partitions where a learner missed a write; the copy that feeds the learner must run again. */
  private readonly learnerMisses = new Set<number>();

  constructor(
    private readonly state: ClusterStateService,
    private readonly storage: StorageClient,
  ) {}

  /**
   * Writes to the partition's members. The write counts as in flight from *before* its placement is
   * read (`resolvePlacement`), so that barrier(), called after a new member was added, also waits
   * for a write that read the placement just before the change.
   */
  async write(
    partition: number,
    resolvePlacement: () => Promise<Placement>,
    build: () => ReplicatedWrite,
    requestId?: string,
  ): Promise<{ write: ReplicatedWrite; previous: PreviousDto | null }> {
    const running = (async () => {
      const placement = await resolvePlacement();
      const write = build();
      // What the key held before, as any member reported it, across re-sends (see writeToMembers).
      const before: PreviousDto[] = [];
      await this.withNewerPlacement(partition, placement, 'write', (p) =>
        this.writeToMembers(partition, p, write, before, requestId),
      );
      return { write, previous: newest(before) };
    })();
    const set = this.inFlight.get(partition) ?? new Set();
    this.inFlight.set(partition, set.add(running));
    try {
      return await running;
    } finally {
      set.delete(running);
      if (set.size === 0) this.inFlight.delete(partition);
    }
  }

  /** Resolves when every write of the partition that is in flight now has settled. */
  async barrier(partition: number): Promise<void> {
    await Promise.allSettled([...(this.inFlight.get(partition) ?? [])]);
  }

  /** Whether a learner of the partition missed a write since the last call (and forgets it). */
  takeLearnerMiss(partition: number): boolean {
    return this.learnerMisses.delete(partition);
  }

  /**
   * One round of a write. Every member's answer adds what it held before to `before`, except a
   * member that already had this very write (a re-sent op that a copy or an earlier round got
   * there first): that is not what the key held before.
   */
  private async writeToMembers(
    partition: number,
    placement: Placement,
    write: ReplicatedWrite,
    before: PreviousDto[],
    requestId: string | undefined,
  ): Promise<void> {
    const op: OpDto = { ...write, partition, epoch: placement.epoch };
    const attempts = new Map(
      members(placement).map((id) => [
        id,
        this.sendOne(id, op, requestId).then((result) => {
          if (result.previous && result.previous.revision < write.revision) before.push(result.previous);
          return result;
        }),
      ]),
    );
    // A learner never blocks a write; if it misses one, the copy feeding it runs again.
    for (const id of placement.learners) attempts.get(id)!.catch(() => this.learnerMisses.add(partition));
    const votes = placement.replicas.map((id) => attempts.get(id)!);
    try {
      await awaitQuorum(votes, majority(placement.replicas.length));
    } catch (error) {
      // Before a re-send (a refusal means one follows), let this round finish, so that what its
      // members reported is in `before`.
      if (error instanceof QuorumNotReachedError && error.failures.some((f) => f instanceof ReplicaRefusedError)) {
        await Promise.allSettled(attempts.values());
      }
      throw error;
    }
  }

  async read(partition: number, placement: Placement, key: string, requestId?: string): Promise<RecordDto | null> {
    return this.withNewerPlacement(partition, placement, 'read', (p) =>
      this.readFromMajority(partition, p, key, requestId),
    );
  }

  /**
   * Runs `attempt`; if replicas refused it because the partition moved to a newer epoch meanwhile
   * (a repair or move switched the replica set while the op was in flight), runs it again with the
   * table's newer placement. Safe for writes too: the op keeps its revision.
   */
  private async withNewerPlacement<T>(
    partition: number,
    placement: Placement,
    what: 'read' | 'write',
    attempt: (p: Placement) => Promise<T>,
  ): Promise<T> {
    for (let tries = 1; ; tries++) {
      try {
        return await attempt(placement);
      } catch (error) {
        const refused =
          error instanceof QuorumNotReachedError && error.failures.some((f) => f instanceof ReplicaRefusedError);
        if (refused) await this.state.settled(partition);
        const newer = this.state.table.get(partition);
        if (!refused || tries > MAX_EPOCH_RETRIES || !newer || newer.epoch <= placement.epoch) {
          throw this.quorumFailure(partition, placement, error, what);
        }
        placement = newer;
      }
    }
  }

  private async readFromMajority(
    partition: number,
    placement: Placement,
    key: string,
    requestId: string | undefined,
  ): Promise<RecordDto | null> {
    const needed = majority(placement.replicas.length);
    const attempts = placement.replicas.map(async (id) => {
      const result = await this.sendOne(id, { type: 'get', partition, key, epoch: placement.epoch }, requestId);
      return { id, record: result.record ?? null };
    });
    const answers = (await awaitQuorum(attempts, needed)).successes;
    const best = newest(answers.map((a) => a.record));
    const stale = answers.filter((a) => (a.record?.revision ?? 0) < (best?.revision ?? 0));
    if (best && stale.length > 0) {
      await this.repair(
        partition,
        placement,
        key,
        best,
        stale.map((a) => a.id),
        answers.length - stale.length,
        requestId,
      );
    }
    return best;
  }

  /** Writes the newest record back to the replicas that are behind; it must end up on a majority. */
  private async repair(
    partition: number,
    placement: Placement,
    key: string,
    best: RecordDto,
    staleIds: string[],
    holders: number,
    requestId: string | undefined,
  ): Promise<void> {
    const op: OpDto =
      best.value === null
        ? { type: 'delete', partition, key, revision: best.revision, epoch: placement.epoch }
        : { type: 'put', partition, key, value: best.value, revision: best.revision, epoch: placement.epoch };
    const repaired = await Promise.allSettled(staleIds.map((id) => this.sendOne(id, op, requestId)));
    const fixed = repaired.filter((r) => r.status === 'fulfilled').length;
    this.logger.log(
      `read repair: partition ${partition} key ${JSON.stringify(key)} revision ${best.revision} written back to ${fixed}/${staleIds.length} stale replica(s)`,
    );
    if (holders + fixed < majority(placement.replicas.length)) {
      throw new PartitionUnavailableError(
        `partition ${partition}: the newest value of ${JSON.stringify(key)} could not be made durable on a majority; retry`,
        partition,
      );
    }
  }

  /** One op on one node, through the node's URL; a refusal is a failure like a dead node. */
  async sendOne(nodeId: string, op: OpDto, requestId?: string): Promise<OpResultDto> {
    const node = this.state.node(nodeId);
    if (!node) throw new Error(`storage node ${nodeId} is not known`);
    if (node.status === 'DOWN') throw new Error(`storage node ${nodeId} is DOWN`);
    let result: OpResultDto;
    try {
      result = await this.storage.op(node.url, op, requestId);
    } catch (error) {
      if (error instanceof NodeUnreachableError)
        throw new Error(`storage node ${nodeId} is unreachable (${error.message})`);
      throw error;
    }
    if (result.error === 'not-owner') {
      void this.state.refresh();
      throw new ReplicaRefusedError(result.error, `${nodeId}: ${result.message ?? result.error}`);
    }
    if (result.error) throw new Error(`${nodeId}: ${result.message ?? result.error}`);
    return result;
  }

  private quorumFailure(partition: number, placement: Placement, error: unknown, what: 'read' | 'write'): Error {
    if (!(error instanceof QuorumNotReachedError)) return error as Error;
    const reasons = error.failures.map((f) => (f instanceof Error ? f.message : String(f))).join('; ');
    const replicas = placement.replicas.join(', ');
    if (what === 'read') {
      return new PartitionUnavailableError(
        `partition ${partition}: fewer than ${error.needed} of its replicas (${replicas}) answered: ${reasons}`,
        partition,
      );
    }
    return new WriteOutcomeUnknownError(
      `partition ${partition}: the write reached ${error.succeeded} of the ${error.needed} replicas it needs (${replicas}; ${reasons}); it may or may not have been applied`,
      partition,
    );
  }
}
