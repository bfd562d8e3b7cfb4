import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { NodeNotFoundError, ServiceUnavailableError } from '../../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { ClusterStateService } from '../cluster-state.service.js';
import { StorageClient } from '../storage-client.js';
import { planMove } from './balancer.js';
import { RepairService } from './repair.service.js';

const JOB = 'leader-rebalance';

export interface DrainStatus {
  id: string;
  draining: boolean;
  /** Partitions the node still holds a replica of. */
  partitions: number;
  /** Draining and empty: safe to remove. */
  drained: boolean;
}

/**
 * Runs the balancer (balancer.ts) every heartbeat interval when repairs leave room, one move at a
 * time per node, through RepairService's copy-then-switch; and drains nodes on request. The drain
 * flag is kept by the storage node itself, so a restarted leader still knows it.
 */
@Injectable()
export class RebalanceService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Balancer');

  constructor(
    private readonly state: ClusterStateService,
    private readonly repairs: RepairService,
    private readonly storage: StorageClient,
    private readonly scheduler: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.scheduler.addInterval(
      JOB,
      setInterval(() => this.tick(), this.config.heartbeatIntervalMs),
    );
  }

  onModuleDestroy(): void {
    if (this.scheduler.doesExist('interval', JOB)) this.scheduler.deleteInterval(JOB);
  }

  tick(): void {
    if (!this.state.ready) return;
    // Repairs come first: no move while any replica is lost or a partition is short of replicas.
    if (this.repairs.tick().length > 0 || !this.repairs.hasRoom) return;
    const busy = this.repairs.busy();
    const nodes = this.state.storageNodes().filter((n) => n.status === 'UP' && n.inventoryKnown);
    if (this.state.storageNodes().some((n) => n.status !== 'UP' && n.status !== 'UNKNOWN')) return; // not while a node is failing
    const move = planMove({
      nodes: nodes.map((n) => ({
        id: n.id,
        usedBytes: n.stats.usedBytes ?? 0,
        capacityBytes: n.stats.capacityBytes ?? 1,
        draining: this.state.draining.has(n.id),
      })),
      placements: this.state.table.placed(),
      partitionBytes: (p) => this.state.partitionStats(p)?.bytes ?? 0,
      busyPartitions: busy.partitions,
      busyNodes: busy.nodes,
    });
    if (move) this.repairs.start(move, 'move');
  }

  async drain(id: string, draining: boolean): Promise<DrainStatus> {
    const node = this.state.node(id);
    if (!node || node.role !== 'storage') throw new NodeNotFoundError(id);
    if (node.status === 'DOWN' || node.status === 'UNKNOWN') {
      throw new ServiceUnavailableError(`storage node ${id} is ${node.status}; it can be drained once it is up`);
    }
    await this.storage.setDraining(node.url, draining);
    if (draining) this.state.draining.add(id);
    else this.state.draining.delete(id);
    this.logger.log(draining ? `draining ${id}` : `${id} no longer draining`);
    return this.status(id);
  }

  status(id: string): DrainStatus {
    const partitions = this.state.table.countsByNode().get(id) ?? 0;
    const draining = this.state.draining.has(id);
    return { id, draining, partitions, drained: draining && partitions === 0 };
  }
}
