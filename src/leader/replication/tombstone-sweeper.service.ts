import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Clock } from '../../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { ClusterStateService } from '../cluster-state.service.js';
import type { Placement } from '../placement/partition-table.js';
import { StorageClient } from '../storage-client.js';
import { RepairService } from './repair.service.js';
import { ReplicatedStore } from './replicated-store.js';
import { planTombstones, type TombstoneSighting } from './tombstone-rule.js';

const JOB = 'leader-tombstones';
/** Sweeps run every this many heartbeat intervals. */
const EVERY_HEARTBEATS = 10;
const PAGE = 1000;

/**
 * Applies tombstone-rule.ts to every healthy partition (all replicas UP, no copy in progress):
 * reads each replica's tombstones, writes a missing newest tombstone to the replicas that lack it,
 * and purges the ones every replica holds once they are older than TOMBSTONE_TTL_MS.
 */
@Injectable()
export class TombstoneSweeperService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Tombstones');
  private sweeping = false;
  /** Tombstones purged since the leader started (shown in logs). */
  purged = 0;

  constructor(
    private readonly state: ClusterStateService,
    private readonly replicas: ReplicatedStore,
    private readonly repairs: RepairService,
    private readonly storage: StorageClient,
    private readonly clock: Clock,
    private readonly scheduler: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const every = this.config.heartbeatIntervalMs * EVERY_HEARTBEATS;
    this.scheduler.addInterval(
      JOB,
      setInterval(() => void this.sweep(), every),
    );
  }

  onModuleDestroy(): void {
    if (this.scheduler.doesExist('interval', JOB)) this.scheduler.deleteInterval(JOB);
  }

  /** One pass over every healthy partition; public so tests can drive it. */
  async sweep(): Promise<void> {
    if (this.sweeping || !this.state.ready) return;
    this.sweeping = true;
    try {
      const healthy = [...this.state.table.placed()].filter(([partition, placement]) =>
        this.isHealthy(partition, placement),
      );
      const read = await this.tombstonesPerNode(healthy);
      for (const [partition, placement] of healthy) {
        // Healthy when the pass began; a repair or move since then leaves the partition for the next pass.
        if (this.isHealthy(partition, placement)) await this.sweepPartition(partition, placement, read);
      }
    } catch (error) {
      this.logger.warn(`tombstone sweep stopped early: ${(error as Error).message}`);
    } finally {
      this.sweeping = false;
    }
  }

  private isHealthy(partition: number, placement: Placement): boolean {
    return (
      placement.learners.length === 0 &&
      !this.repairs.busy().partitions.has(partition) &&
      placement.replicas.every((id) => this.state.node(id)?.status === 'UP')
    );
  }

  /**
   * The tombstones of the partitions each node replicates, in one scan per node (one request per
   * node and pass, not one per partition and replica). A node whose tombstones do not fit in one
   * page, or that does not answer, is left out: its partitions are read one by one.
   */
  private async tombstonesPerNode(
    healthy: [number, Placement][],
  ): Promise<Map<string, Map<number, TombstoneSighting[]>>> {
    const partitionsOf = new Map<string, number[]>();
    for (const [partition, placement] of healthy) {
      for (const id of placement.replicas) partitionsOf.set(id, [...(partitionsOf.get(id) ?? []), partition]);
    }
    const read = new Map<string, Map<number, TombstoneSighting[]>>();
    await Promise.all(
      [...partitionsOf].map(async ([id, partitions]) => {
        try {
          const page = await this.scanTombstones(id, partitions);
          if (page.more) return;
          const byPartition = new Map(partitions.map((p): [number, TombstoneSighting[]] => [p, []]));
          for (const item of page.items) byPartition.get(item.partition)?.push(sightingOf(item));
          read.set(id, byPartition);
        } catch (error) {
          this.logger.debug(
            `reading ${id}'s tombstones in one scan failed (${(error as Error).message}); per partition`,
          );
        }
      }),
    );
    return read;
  }

  private scanTombstones(nodeId: string, partitions: number[]) {
    return this.storage.scan(this.state.node(nodeId)!.url, {
      partitions,
      prefix: '',
      limit: PAGE,
      tombstonesOnly: true,
    });
  }

  private async sweepPartition(
    partition: number,
    placement: Placement,
    read: Map<string, Map<number, TombstoneSighting[]>>,
  ): Promise<void> {
    const perReplica = new Map<string, TombstoneSighting[]>();
    for (const id of placement.replicas) {
      const known = read.get(id)?.get(partition);
      perReplica.set(id, known ?? (await this.scanTombstones(id, [partition])).items.map(sightingOf));
    }
    const plan = planTombstones(perReplica, this.clock.now(), this.config.tombstoneTtlMs);
    for (const { key, revision, to } of plan.spread) {
      await Promise.allSettled(
        to.map((id) => this.replicas.sendOne(id, { type: 'delete', partition, key, revision, epoch: placement.epoch })),
      );
    }
    if (plan.purge.length === 0) return;
    // Checked again right before: the partition must not have moved while we looked.
    if (this.state.table.get(partition)?.epoch !== placement.epoch || !this.isHealthy(partition, placement)) return;
    await Promise.all(
      placement.replicas.map((id) => this.storage.purge(this.state.node(id)!.url, partition, plan.purge)),
    );
    this.purged += plan.purge.length;
    this.logger.log(`partition ${partition}: purged ${plan.purge.length} tombstone(s) every replica held`);
  }
}

function sightingOf(item: { key: string; revision: number; deletedAt?: number }): TombstoneSighting {
  return { key: item.key, revision: item.revision, deletedAt: item.deletedAt ?? 0 };
}
