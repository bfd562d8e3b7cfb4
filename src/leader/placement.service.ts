import { Injectable, Logger } from '@nestjs/common';
import { PartitionUnavailableError, ServiceUnavailableError } from '../common/errors.js';
import { ClusterStateService } from './cluster-state.service.js';
import { chooseNode } from './placement/choose-node.js';
import type { Placement } from './placement/partition-table.js';
import { NodeRejectedError, StorageClient } from './storage-client.js';

/**
 * Places a partition the first time it is written: picks the node (choose-node.ts), tells it its
 * assignment (it persists it before answering), then records it in the table. Concurrent first
 * writes to one partition share one placement.
 */
@Injectable()
export class PlacementService {
  private readonly logger = new Logger('Placement');
  private readonly inFlight = new Map<number, Promise<Placement>>();

  constructor(
    private readonly state: ClusterStateService,
    private readonly storage: StorageClient,
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
    const counts = this.state.table.countsByNode();
    const candidates = this.state
      .storageNodes()
      .filter((n) => n.status === 'UP' && n.inventoryKnown)
      .map((n) => ({
        node: n,
        id: n.id,
        usedBytes: n.stats.usedBytes ?? 0,
        capacityBytes: n.stats.capacityBytes ?? 1,
        partitions: counts.get(n.id) ?? 0,
      }));
    const chosen = chooseNode(candidates);
    if (!chosen) throw new ServiceUnavailableError('no storage node is UP: cannot place new data');
    const epoch = this.state.clock.next();
    const replicas = [chosen.id];
    try {
      await this.storage.assign(chosen.node.url, partition, { epoch, replicas });
    } catch (error) {
      if (error instanceof NodeRejectedError && error.status === 409) void this.state.refresh();
      throw new PartitionUnavailableError(
        `could not place partition ${partition} on ${chosen.id}: ${(error as Error).message}`,
        partition,
      );
    }
    this.state.recordPlacement(partition, epoch, replicas);
    this.logger.log(`partition ${partition} placed on ${chosen.id} (epoch ${epoch})`);
    return this.state.table.get(partition)!;
  }
}
