import { Inject, Injectable, Logger } from '@nestjs/common';
import { PartitionUnavailableError, ServiceUnavailableError } from '../common/errors.js';
import { ClusterStateService } from './cluster-state.service.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { chooseReplicas } from './placement/choose-node.js';
import type { Placement } from './placement/partition-table.js';
import { NodeRejectedError, StorageClient } from './storage-client.js';

/**
 * Places a partition the first time it is written: picks REPLICATION_FACTOR nodes by space
 * (choose-node.ts; fewer if fewer are UP: the partition is then under-replicated until repair
 * adds replicas), tells each its assignment (persisted before answering), then records it. Concurrent first
 * writes to one partition share one placement.
 */
@Injectable()
export class PlacementService {
  private readonly logger = new Logger('Placement');
  private readonly inFlight = new Map<number, Promise<Placement>>();

  constructor(
    private readonly state: ClusterStateService,
    private readonly storage: StorageClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async ensurePlaced(partition: number): Promise<Placement> {
    const existing = this.state.table.get(partition);
    if (existing) return existing;
    let pending = this.inFlight.get(partition);
    if (!pending) {
      pending = this.place(partition).finally(() => this.inFlight.delete(partition));
      this.inFlight.set(partition, pending);
    }
    return pending;
  }

  private async place(partition: number): Promise<Placement> {
    const unreported = this.state.unreportedNodes();
    if (unreported.length > 0) {
      throw new PartitionUnavailableError(
        `partition ${partition} has no known placement and storage node(s) ${unreported.map((n) => n.id).join(', ')} have not reported their partitions yet; refusing to place it twice`,
        partition,
      );
    }
    const chosen = chooseReplicas(this.state.placementCandidates(), this.config.replicationFactor);
    if (chosen.length === 0) throw new ServiceUnavailableError('no storage node is UP: cannot place new data');
    if (chosen.length < this.config.replicationFactor) {
      this.logger.warn(
        `partition ${partition}: only ${chosen.length} storage node(s) are UP for REPLICATION_FACTOR=${this.config.replicationFactor}; placing it under-replicated`,
      );
    }
    const epoch = this.state.clock.next();
    const replicas = chosen.map((c) => c.id);
    // Every replica persists the assignment before the first write reaches any of them.
    const results = await Promise.allSettled(
      chosen.map((c) => this.storage.assign(c.node.url, partition, { epoch, replicas })),
    );
    const failed = results.flatMap((r, i) =>
      r.status === 'rejected' ? [`${chosen[i].id}: ${(r.reason as Error).message}`] : [],
    );
    if (failed.length > 0) {
      if (
        results.some((r) => r.status === 'rejected' && r.reason instanceof NodeRejectedError && r.reason.status === 409)
      ) {
        void this.state.refresh();
      }
      throw new PartitionUnavailableError(
        `could not place partition ${partition} (${failed.join('; ')}); retry`,
        partition,
      );
    }
    this.state.recordPlacement(partition, epoch, replicas);
    this.logger.log(`partition ${partition} placed on ${replicas.join(', ')} (epoch ${epoch})`);
    return this.state.table.get(partition)!;
  }
}
