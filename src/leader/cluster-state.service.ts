import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { NodeStats, NodeStatus, RegisteredNode } from '../common/cluster-types.js';
import { Clock } from '../common/clock.js';
import { Role } from '../config/role.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { RegistryClient } from '../membership/registry-client.js';
import type { InventoryDto } from '../storage/dto/inventory.dto.js';
import { members, PartitionTable } from './placement/partition-table.js';
import { RevisionClock } from './revision-clock.js';
import { StorageClient } from './storage-client.js';

const JOB = 'leader-refresh';

/** What the leader knows of one node. UNKNOWN: no longer (or not yet) in the registry's list. */
export interface KnownNode {
  id: string;
  role: string;
  url: string;
  status: NodeStatus | 'UNKNOWN';
  stats: NodeStats;
  lastHeartbeatAt?: string;
  /** When this leader first saw the node DOWN or gone (ms, its clock); undefined while it is up. */
  downSince?: number;
  /** Whether this storage node's inventory has been read at least once since the leader started. */
  inventoryKnown: boolean;
}

/**
 * The leader's view of the cluster, rebuilt from the outside only (invariant 3): the registry says
 * which nodes exist and how they are, each storage node's inventory says which partitions it holds
 * at which epoch and the highest revision it has. Refreshed every heartbeat interval, so a change
 * is seen within two. Nothing here is persisted.
 */
@Injectable()
export class ClusterStateService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('ClusterState');
  readonly table: PartitionTable;
  readonly clock = new RevisionClock();
  private readonly nodes = new Map<string, KnownNode>();
  /** Key count and bytes per partition, as its holder last reported them (for /cluster). */
  private readonly partitionSizes = new Map<number, { keyCount: number; bytes: number }>();
  /** True once the registry answered and every live storage node's inventory was read. */
  private isReady = false;
  /** Whether the last registry call answered (shown as the registry's row in /cluster). */
  private registryAnswered = false;
  private refreshing?: Promise<void>;

  constructor(
    private readonly registry: RegistryClient,
    private readonly storage: StorageClient,
    private readonly scheduler: SchedulerRegistry,
    private readonly wallClock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.table = new PartitionTable(config.partitions);
  }

  onApplicationBootstrap(): void {
    void this.refresh();
    this.scheduler.addInterval(
      JOB,
      setInterval(() => void this.refresh(), this.config.heartbeatIntervalMs),
    );
  }

  onModuleDestroy(): void {
    if (this.scheduler.doesExist('interval', JOB)) this.scheduler.deleteInterval(JOB);
  }

  get ready(): boolean {
    return this.isReady;
  }

  get registryReachable(): boolean {
    return this.registryAnswered;
  }

  node(id: string): KnownNode | undefined {
    return this.nodes.get(id);
  }

  allNodes(): KnownNode[] {
    return [...this.nodes.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  storageNodes(): KnownNode[] {
    return this.allNodes().filter((n) => n.role === Role.Storage);
  }

  /**
   * Storage nodes the registry knows whose partitions the leader has not read yet. While any
   * exists, an unplaced partition might in fact live there, so it must not be placed again.
   */
  unreportedNodes(): KnownNode[] {
    return this.storageNodes().filter((n) => n.status !== 'UNKNOWN' && !n.inventoryKnown);
  }

  partitionStats(partition: number): { keyCount: number; bytes: number } | undefined {
    return this.partitionSizes.get(partition);
  }

  /** Runs one refresh, or joins the one in flight. */
  refresh(): Promise<void> {
    this.refreshing ??= this.doRefresh().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /** Replica-set changes being sent to the nodes, per partition (see RepairService.assign). */
  private readonly changing = new Map<number, Promise<unknown>>();

  /**
   * Marks a change of the partition's assignment as under way until `work` settles: nodes may
   * already refuse the old epoch while the table still has it, so ops wait for it (settled()).
   */
  trackChange<T>(partition: number, work: Promise<T>): Promise<T> {
    const done = work.finally(() => {
      if (this.changing.get(partition) === done) this.changing.delete(partition);
    });
    this.changing.set(partition, done);
    return done;
  }

  /** Resolves once no assignment change of the partition is in flight. */
  async settled(partition: number): Promise<void> {
    await this.changing.get(partition)?.catch(() => undefined);
  }

  /** Records a placement this leader just made (the nodes have already persisted it). */
  recordPlacement(partition: number, epoch: number, replicas: string[], learners: string[] = []): void {
    this.table.offer(partition, { epoch, replicas, learners });
  }

  /** UP storage nodes that reported, as candidates for new replicas (placement by space). */
  placementCandidates(exclude: readonly string[] = []) {
    const counts = this.table.countsByNode();
    return this.storageNodes()
      .filter((n) => n.status === 'UP' && n.inventoryKnown && !exclude.includes(n.id) && !this.draining.has(n.id))
      .map((node) => ({
        node,
        id: node.id,
        usedBytes: node.stats.usedBytes ?? 0,
        capacityBytes: node.stats.capacityBytes ?? 1,
        partitions: counts.get(node.id) ?? 0,
      }));
  }

  /** Nodes being drained get no new replicas (see balancer.ts); the flag lives on the node itself. */
  readonly draining = new Set<string>();

  private async doRefresh(): Promise<void> {
    let listed: RegisteredNode[];
    try {
      listed = await this.registry.list();
      this.registryAnswered = true;
    } catch (error) {
      this.registryAnswered = false;
      this.logger.warn(`registry unreachable: ${(error as Error).message}; keeping the last known nodes`);
      return;
    }
    this.merge(listed);
    const live = this.storageNodes().filter((n) => n.status === 'UP' || n.status === 'SUSPECT');
    const results = await Promise.all(live.map((n) => this.readInventory(n)));
    if (!this.isReady && results.every(Boolean)) {
      this.isReady = true;
      this.logger.log(
        `partition table rebuilt from ${live.length} storage node(s): ${this.table.placed().length}/${this.table.size} partitions placed, revision ${this.clock.current}`,
      );
    }
  }

  /**
   * Generation Clock at work: a node that reports a partition at an older epoch than the table's,
   * and is no longer among its members, holds a stale copy (it was down while the partition moved).
   * Once the current replicas are all UP, it is told to drop that copy, so it can never serve it.
   */
  private dropStale(node: KnownNode, inventory: InventoryDto): void {
    for (const held of inventory.partitions) {
      const current = this.table.get(held.partition);
      if (!current || held.epoch >= current.epoch || members(current).includes(node.id)) continue;
      if (!current.replicas.every((id) => this.nodes.get(id)?.status === 'UP')) continue;
      const assignment = { epoch: current.epoch, replicas: [...current.replicas], learners: [...current.learners] };
      this.storage.drop(node.url, held.partition, assignment).then(
        () =>
          this.logger.log(
            `partition ${held.partition}: told ${node.id} to drop its stale copy (epoch ${held.epoch} < ${current.epoch})`,
          ),
        (error: Error) =>
          this.logger.warn(`partition ${held.partition}: ${node.id} could not drop its stale copy: ${error.message}`),
      );
    }
  }

  private merge(listed: RegisteredNode[]): void {
    const seen = new Set<string>();
    for (const entry of listed) {
      seen.add(entry.id);
      const known = this.nodes.get(entry.id);
      if (known && known.status !== entry.status) this.logger.log(`node ${entry.id} is ${entry.status}`);
      if (!known) this.logger.log(`node ${entry.id} (${entry.role}) discovered at ${entry.url}`);
      const down = entry.status === 'DOWN';
      this.nodes.set(entry.id, {
        downSince: down ? (known?.downSince ?? this.wallClock.now()) : undefined,
        id: entry.id,
        role: entry.role,
        url: entry.url,
        status: entry.status,
        stats: entry.stats,
        lastHeartbeatAt: entry.lastHeartbeatAt,
        // Sticky: once read, the leader knows what the node holds, and a node that is down cannot be
        // given anything new meanwhile (there is one leader). Live nodes are re-read every refresh.
        inventoryKnown: known?.inventoryKnown ?? false,
      });
    }
    for (const node of this.nodes.values()) {
      if (!seen.has(node.id) && node.status !== 'UNKNOWN') {
        this.logger.log(`node ${node.id} left the registry`);
        node.status = 'UNKNOWN';
        node.downSince ??= this.wallClock.now();
      }
    }
  }

  private async readInventory(node: KnownNode): Promise<boolean> {
    let inventory: InventoryDto;
    try {
      inventory = await this.storage.inventory(node.url);
    } catch (error) {
      this.logger.debug(`inventory of ${node.id} unavailable: ${(error as Error).message}`);
      return false;
    }
    if (inventory.nodeId !== node.id) {
      this.logger.warn(`${node.url} answers as ${inventory.nodeId}, registered as ${node.id}; ignoring it`);
      return false;
    }
    this.clock.observe(inventory.maxRevision);
    for (const p of inventory.partitions) {
      this.clock.observe(p.epoch);
      if (p.replicas.includes(node.id) && p.epoch >= (this.table.get(p.partition)?.epoch ?? 0))
        this.partitionSizes.set(p.partition, { keyCount: p.keyCount, bytes: p.bytes });
      if (
        this.table.offer(p.partition, { epoch: p.epoch, replicas: p.replicas, learners: p.learners ?? [] }) &&
        this.isReady
      ) {
        this.logger.log(
          `partition ${p.partition} learned from ${node.id}: epoch ${p.epoch} on ${p.replicas.join(',')}`,
        );
      }
    }
    this.dropStale(node, inventory);
    node.stats = {
      usedBytes: inventory.usedBytes,
      capacityBytes: inventory.capacityBytes,
      keyCount: inventory.keyCount,
    };
    if (inventory.draining) this.draining.add(node.id);
    else this.draining.delete(node.id);
    node.inventoryKnown = true;
    return true;
  }
}
