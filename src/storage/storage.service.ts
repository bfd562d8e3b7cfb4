import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { NodeStats } from '../common/cluster-types.js';
import { Clock } from '../common/clock.js';
import { InvalidInputError, StaleEpochError } from '../common/errors.js';
import { assertValidKey, assertValidPrefix } from '../common/keys.js';
import { NodeIdentity } from '../common/node-identity.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { NodeStatsSource } from '../membership/node-stats.js';
import type { AssignmentDto, InventoryDto } from './dto/inventory.dto.js';
import type { OpDto, OpResultDto } from './dto/ops.dto.js';
import type { ScanRequestDto, ScanResponseDto } from './dto/scan.dto.js';
import { STORAGE_ENGINE, type StorageEngine, type WriteOp } from './engines/storage-engine.js';

/**
 * The storage node's data API over its engine. It trusts the leader for placement and revisions,
 * but refuses writes to partitions it was not assigned (a leader with a stale table must not
 * scatter data), and keeps the highest revision per key (see storage-engine.ts).
 */
@Injectable()
export class StorageService extends NodeStatsSource implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Storage');
  /** Between the engine's open and its close: the node can serve (see readiness). */
  private open = false;

  constructor(
    @Inject(STORAGE_ENGINE) private readonly engine: StorageEngine,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly identity: NodeIdentity,
    private readonly clock: Clock,
  ) {
    super();
  }

  async onModuleInit(): Promise<void> {
    await this.engine.open();
    this.open = true;
    const stats = this.stats();
    this.logger.log(
      `${this.config.storageEngine} engine open: ${stats.keyCount} keys, ${this.engine.assignments().size} partitions, max revision ${this.engine.maxRevision()}`,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.open = false;
    await this.engine.close();
  }

  get isOpen(): boolean {
    return this.open;
  }

  /** Runs a batch: reads answer from the state before the batch's writes; writes commit together. */
  async execute(ops: OpDto[]): Promise<OpResultDto[]> {
    const results: OpResultDto[] = new Array(ops.length);
    const writes: { index: number; op: WriteOp }[] = [];
    ops.forEach((op, index) => {
      const problem = this.check(op);
      if (problem) {
        results[index] = problem;
      } else if (op.type === 'get') {
        results[index] = { record: this.engine.get(op.partition, op.key) ?? null };
      } else {
        const value = op.type === 'put' ? op.value! : null;
        const deletedAt = value === null ? this.clock.now() : undefined;
        writes.push({ index, op: { partition: op.partition, key: op.key, revision: op.revision!, value, deletedAt } });
      }
    });
    if (writes.length > 0) {
      const outcomes = await this.engine.write(writes.map((w) => w.op));
      outcomes.forEach(({ applied, previous }, i) => {
        results[writes[i].index] = {
          applied,
          previous: previous && { revision: previous.revision, tombstone: previous.value === null },
        };
      });
    }
    return results;
  }

  scan(request: ScanRequestDto): ScanResponseDto {
    const prefix = request.prefix ?? '';
    assertValidPrefix(prefix);
    for (const p of request.partitions) this.assertPartition(p);
    const { items, more } = this.engine.scan({
      partitions: [...new Set(request.partitions)],
      prefix,
      after: request.after,
      limit: request.limit,
      includeTombstones: request.tombstones === true,
      tombstonesOnly: request.tombstonesOnly === true,
    });
    return {
      items: items.map(({ partition, key, revision, value, deletedAt }) =>
        request.tombstonesOnly
          ? { partition, key, revision, value, deletedAt }
          : request.values || request.tombstones
            ? { partition, key, revision, value }
            : { partition, key, revision },
      ),
      more,
    };
  }

  async assign(partition: number, assignment: AssignmentDto): Promise<AssignmentDto & { partition: number }> {
    if (assignment.learners?.some((id) => assignment.replicas.includes(id))) {
      throw new InvalidInputError('a node cannot be both a replica and a learner');
    }
    this.assertPartition(partition);
    const current = this.engine.assignments().get(partition);
    if (current && current.epoch > assignment.epoch) {
      throw new StaleEpochError(
        `partition ${partition} is at epoch ${current.epoch}; refusing epoch ${assignment.epoch}`,
        current.epoch,
      );
    }
    await this.engine.assign(partition, assignment);
    if (!current || current.epoch !== assignment.epoch) {
      const learners = assignment.learners?.length ? `, learners ${assignment.learners.join(',')}` : '';
      this.logger.log(`partition ${partition}: epoch ${assignment.epoch}, replicas ${assignment.replicas.join(',')}${learners}`);
    }
    return { partition, epoch: assignment.epoch, replicas: assignment.replicas, learners: assignment.learners ?? [] };
  }

  /**
   * The partition moved away: record the assignment that no longer includes this node (so its
   * writes are refused from now on), then delete the partition's data. Refused if the assignment
   * still includes this node or is older than the one it holds.
   */
  async drop(partition: number, current: AssignmentDto): Promise<{ partition: number; dropped: boolean }> {
    this.assertPartition(partition);
    if (isMember(current, this.identity.id)) {
      throw new InvalidInputError(`${this.identity.id} is still a member of partition ${partition} at epoch ${current.epoch}`);
    }
    const held = this.engine.assignments().get(partition);
    if (!held && !this.engine.partitionStats().has(partition)) return { partition, dropped: false };
    if (held && held.epoch > current.epoch) {
      throw new StaleEpochError(`partition ${partition} is at epoch ${held.epoch}; refusing to drop it for epoch ${current.epoch}`, held.epoch);
    }
    await this.engine.assign(partition, current);
    await this.engine.drop(partition);
    this.logger.log(`partition ${partition} dropped: it lives on ${current.replicas.join(',')} since epoch ${current.epoch}`);
    return { partition, dropped: true };
  }

  /** Removes the given tombstones (exact key and revision); see the leader's tombstone sweeper for when. */
  async purge(partition: number, tombstones: { key: string; revision: number }[]): Promise<{ purged: number }> {
    this.assertPartition(partition);
    return { purged: await this.engine.purge(partition, tombstones) };
  }

  /** The leader asks this node to give its replicas away (or to stop doing so); kept across restarts. */
  async setDraining(draining: boolean): Promise<{ draining: boolean }> {
    if (this.engine.flag('draining') !== draining) {
      await this.engine.setFlag('draining', draining);
      this.logger.log(draining ? 'draining: giving all replicas away' : 'no longer draining');
    }
    return { draining };
  }

  inventory(): InventoryDto {
    const stats = this.engine.partitionStats();
    const assignments = this.engine.assignments();
    const ids = [...new Set([...assignments.keys(), ...stats.keys()])].sort((a, b) => a - b);
    return {
      nodeId: this.identity.id,
      maxRevision: this.engine.maxRevision(),
      ...this.totals(),
      draining: this.engine.flag('draining'),
      partitions: ids.map((partition) => ({
        partition,
        epoch: assignments.get(partition)?.epoch ?? 0,
        replicas: assignments.get(partition)?.replicas ?? [],
        learners: assignments.get(partition)?.learners ?? [],
        keyCount: stats.get(partition)?.keyCount ?? 0,
        bytes: stats.get(partition)?.bytes ?? 0,
      })),
    };
  }

  stats(): NodeStats {
    return this.totals();
  }

  private totals(): { usedBytes: number; capacityBytes: number; keyCount: number } {
    let usedBytes = 0;
    let keyCount = 0;
    for (const s of this.engine.partitionStats().values()) {
      usedBytes += s.bytes;
      keyCount += s.keyCount;
    }
    return { usedBytes, capacityBytes: this.config.capacityBytes, keyCount };
  }

  private check(op: OpDto): OpResultDto | undefined {
    try {
      this.assertPartition(op.partition);
      assertValidKey(op.key);
      if (op.type === 'get') return undefined;
      if (op.revision === undefined) throw new InvalidInputError(`${op.type} needs a revision`);
      if (op.type === 'put' && op.value === undefined) throw new InvalidInputError('put needs a value');
    } catch (error) {
      return { error: 'invalid', message: (error as Error).message };
    }
    const assignment = this.engine.assignments().get(op.partition);
    // An op from an older epoch is still accepted while this node is a member: the partition's
    // set changed while it was in flight (a learner promoted, say), and revisions make a late op
    // harmless. A node that is no longer a member refuses it, and the leader re-sends it to the
    // new members.
    if (!assignment || !isMember(assignment, this.identity.id)) {
      return { error: 'not-owner', message: `partition ${op.partition} is not assigned to ${this.identity.id}` };
    }
    return undefined;
  }

  private assertPartition(partition: number): void {
    if (!Number.isInteger(partition) || partition < 0 || partition >= this.config.partitions) {
      throw new InvalidInputError(`partition ${partition} is out of range (PARTITIONS=${this.config.partitions})`);
    }
  }
}

function isMember(assignment: { replicas: string[]; learners?: string[] }, nodeId: string): boolean {
  return assignment.replicas.includes(nodeId) || (assignment.learners ?? []).includes(nodeId);
}
