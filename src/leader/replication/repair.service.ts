import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { Metrics } from '../../observability/metrics.service.js';
import type { AssignmentDto } from '../../storage/dto/inventory.dto.js';
import type { OpDto } from '../../storage/dto/ops.dto.js';
import { ClusterStateService } from '../cluster-state.service.js';
import { members, type Placement } from '../placement/partition-table.js';
import { StorageClient } from '../storage-client.js';
import { mergePages } from './merge-pages.js';
import { planRepairs, type NodeHealth, type RepairTask } from './repair-planner.js';
import { ReplicatedStore } from './replicated-store.js';

const PAGE = 500;
/** A copy is redone at most this many times when a learner missed writes while it ran. */
const MAX_COPY_PASSES = 3;

/**
 * Self-healing, the doing half: on each tick (driven by RebalanceService every heartbeat interval)
 * it asks repair-planner.ts what to fix and runs up to REPAIR_CONCURRENCY copy-then-switch tasks,
 * the same protocol the balancer's moves use:
 *   1. add the new node as a learner (new epoch): from now on every write reaches it too;
 *   2. wait for the writes already in flight, then copy the partition page by page from the live
 *      replicas, merged by revision (tombstones too), into the learner;
 *   3. switch (new epoch): the learner becomes a replica, the lost one leaves the set;
 *   4. a removed node that is still alive drops its copy (a dead one does when it returns).
 * Every step is idempotent (revisions and epochs only grow), so a task that fails is simply
 * planned again, and a leader restarted mid-copy finds the learner in the inventories and resumes.
 */
@Injectable()
export class RepairService {
  private readonly logger = new Logger('Repair');
  /** Tasks running, by partition. */
  private readonly running = new Map<number, RepairTask>();
  /** Finished repairs and moves, for /cluster and metrics. */
  completed = 0;
  private readonly outcomes;

  constructor(
    private readonly state: ClusterStateService,
    private readonly replicas: ReplicatedStore,
    private readonly storage: StorageClient,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    metrics: Metrics,
  ) {
    this.outcomes = metrics.counter({
      name: 'ddb_replica_moves_total',
      help: 'Copy-then-switch tasks ended, by kind (repair: a replica was lost or missing; move: the balancer or a drain) and result',
      labelNames: ['kind', 'result'],
    });
    const running = this.running;
    metrics.gauge({
      name: 'ddb_replica_moves_running',
      help: 'Copy-then-switch tasks under way',
      collect() {
        this.set(running.size);
      },
    });
  }

  isRunning(partition: number): boolean {
    return this.running.has(partition);
  }

  /** One planning round; public so tests can drive it. */
  tick(): RepairTask[] {
    if (!this.state.ready) return [];
    const nodes = new Map<string, NodeHealth>(
      this.state.storageNodes().map((n) => [n.id, { status: n.status, downSince: n.downSince }]),
    );
    const tasks = planRepairs({
      placements: this.state.table.placed(),
      nodes,
      candidates: this.state.placementCandidates(),
      replicationFactor: this.config.replicationFactor,
      repairAfterMs: this.config.repairAfterMs,
      now: this.clock.now(),
      busy: new Set(this.running.keys()),
    });
    const started = tasks.slice(0, Math.max(0, this.config.repairConcurrency - this.running.size));
    for (const task of started) this.start(task);
    return started;
  }

  /** Whether another task may start now (repairs first: a move waits while any repair is planned). */
  get hasRoom(): boolean {
    return this.running.size < this.config.repairConcurrency;
  }

  /** Partitions and nodes taking part in a running task. */
  busy(): { partitions: Set<number>; nodes: Set<string> } {
    return {
      partitions: new Set(this.running.keys()),
      nodes: new Set([...this.running.values()].flatMap((t) => [t.add, t.remove].filter((id): id is string => !!id))),
    };
  }

  /** Runs a copy-then-switch task (a repair, or a move the balancer planned). */
  /** Runs the task in the background; `kind` only labels its metrics. */
  start(task: RepairTask, kind: 'repair' | 'move' = 'repair'): void {
    this.running.set(task.partition, task);
    void this.run(task)
      .then((finished) => this.outcomes.inc({ kind, result: finished ? 'finished' : 'failed' }))
      .finally(() => this.running.delete(task.partition));
  }

  /** True when the task finished; a failure is logged and the task planned again later. */
  private async run(task: RepairTask): Promise<boolean> {
    const { partition } = task;
    const what = `partition ${partition}: ${task.add ? `copy to ${task.add}` : ''}${task.add && task.remove ? ', ' : ''}${task.remove ? `remove ${task.remove}` : ''} (${task.reason})`;
    this.logger.log(`repair started: ${what}`);
    try {
      let placement = this.current(partition);
      if (task.add) {
        if (!placement.learners.includes(task.add)) {
          placement = await this.assign(partition, { replicas: [...placement.replicas], learners: [task.add] }, [
            task.add,
          ]);
        }
        await this.replicas.barrier(partition);
        this.replicas.takeLearnerMiss(partition);
        for (let pass = 1; ; pass++) {
          const copied = await this.copy(partition, placement.replicas, task.add, placement.epoch);
          this.logger.log(`partition ${partition}: copied ${copied} records to ${task.add} (pass ${pass})`);
          await this.replicas.barrier(partition);
          if (!this.replicas.takeLearnerMiss(partition)) break;
          if (pass === MAX_COPY_PASSES) throw new Error(`${task.add} kept missing writes during the copy`);
        }
      }
      const replicas = [...placement.replicas.filter((id) => id !== task.remove), ...(task.add ? [task.add] : [])];
      const final = await this.assign(partition, { replicas, learners: [] }, task.add ? [task.add] : []);
      // Writes sent before the switch may still be landing; if the new replica missed one, copy
      // from the replica being removed once more before it drops its copy.
      await this.replicas.barrier(partition);
      if (task.add && this.replicas.takeLearnerMiss(partition)) {
        const from = [...(task.remove ? [task.remove] : []), ...final.replicas.filter((id) => id !== task.add)];
        const copied = await this.copy(partition, from, task.add, final.epoch);
        this.logger.log(`partition ${partition}: caught ${task.add} up with ${copied} records after the switch`);
      }
      this.completed += 1;
      this.logger.log(
        `repair finished: partition ${partition} now on ${final.replicas.join(', ')} (epoch ${final.epoch})`,
      );
      if (task.remove) await this.dropFrom(task.remove, partition, final);
      return true;
    } catch (error) {
      this.logger.warn(`repair of partition ${partition} failed, will retry: ${(error as Error).message}`);
      return false;
    }
  }

  /**
   * Gives the partition a new epoch and replica set: every live member (and a removed node, so it
   * stops taking writes) persists it; the nodes in `required` must, the others may fail.
   */
  private assign(partition: number, next: Omit<AssignmentDto, 'epoch'>, required: string[]): Promise<Placement> {
    return this.state.trackChange(partition, this.sendAssignment(partition, next, required));
  }

  private async sendAssignment(
    partition: number,
    next: Omit<AssignmentDto, 'epoch'>,
    required: string[],
  ): Promise<Placement> {
    const before = this.current(partition);
    const assignment: AssignmentDto = { ...next, epoch: this.state.clock.next() };
    const told = new Set([...members(before), ...next.replicas, ...(next.learners ?? [])]);
    const results = await Promise.allSettled(
      [...told].map(async (id) => {
        const node = this.state.node(id);
        if (!node || node.status === 'DOWN' || node.status === 'UNKNOWN') throw new Error(`${id} is down`);
        await this.storage.assign(node.url, partition, assignment);
      }),
    );
    [...told].forEach((id, i) => {
      const result = results[i];
      if (result.status === 'rejected' && required.includes(id)) throw result.reason;
    });
    this.state.recordPlacement(partition, assignment.epoch, assignment.replicas, assignment.learners ?? []);
    return this.current(partition);
  }

  /** Streams the partition from the live `from` nodes, merged by revision, into `target`. */
  private async copy(partition: number, from: readonly string[], target: string, epoch: number): Promise<number> {
    const targetUrl = this.urlOf(target);
    const sources = from
      .map((id) => this.state.node(id))
      .filter((n) => n && n.status !== 'DOWN' && n.status !== 'UNKNOWN');
    if (sources.length === 0) throw new Error('no live replica to copy from');
    let after: string | undefined;
    let copied = 0;
    for (;;) {
      const pages = await Promise.all(
        sources.map((n) =>
          this.storage.scan(n!.url, { partitions: [partition], prefix: '', after, limit: PAGE, tombstones: true }),
        ),
      );
      const { items, boundary } = mergePages(pages, { keepTombstones: true });
      if (items.length > 0) {
        const ops: OpDto[] = items.map(({ key, revision, value }) =>
          value === null
            ? { type: 'delete', partition, key, revision, epoch }
            : { type: 'put', partition, key, value, revision, epoch },
        );
        const results = await this.storage.ops(targetUrl, ops);
        const refused = results.find((r) => r.error);
        if (refused) throw new Error(`${target} refused the copy: ${refused.message}`);
        copied += items.length;
      }
      if (boundary === undefined) return copied;
      after = boundary;
    }
  }

  private async dropFrom(nodeId: string, partition: number, final: Placement): Promise<void> {
    const node = this.state.node(nodeId);
    if (!node || node.status === 'DOWN' || node.status === 'UNKNOWN') return; // it drops its copy when it returns
    try {
      await this.storage.drop(node.url, partition, {
        epoch: final.epoch,
        replicas: [...final.replicas],
        learners: [...final.learners],
      });
      this.logger.log(`partition ${partition}: ${nodeId} dropped its copy`);
    } catch (error) {
      this.logger.warn(`partition ${partition}: ${nodeId} could not drop its copy yet: ${(error as Error).message}`);
    }
  }

  private current(partition: number): Placement {
    const placement = this.state.table.get(partition);
    if (!placement) throw new Error(`partition ${partition} is not placed`);
    return placement;
  }

  private urlOf(nodeId: string): string {
    const node = this.state.node(nodeId);
    if (!node) throw new Error(`${nodeId} is not known`);
    return node.url;
  }
}
