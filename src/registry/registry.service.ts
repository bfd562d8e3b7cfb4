import { Inject, Injectable, Logger } from '@nestjs/common';
import type { NodeStats, RegisteredNode, RegistrationReply } from '../common/cluster-types.js';
import { Clock } from '../common/clock.js';
import { NodeNotFoundError } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { Metrics } from '../observability/metrics.service.js';
import { LeaseTable, type LeaseFilter, type LeaseView, type NodeAddress } from './lease-table.js';

const STATUSES = ['UP', 'SUSPECT', 'DOWN'] as const;

/**
 * The registry's one piece of state, the LeaseTable, wired to the clock and the log. Every method
 * reads the time once and hands it to the table; the table decides.
 */
@Injectable()
export class RegistryService {
  private readonly logger = new Logger('Registry');
  private readonly table: LeaseTable;
  private readonly heartbeats;

  constructor(
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    metrics: Metrics,
  ) {
    this.table = new LeaseTable(config);
    this.heartbeats = metrics.counter({
      name: 'ddb_registry_heartbeats_received_total',
      help: 'Heartbeats received; result "unknown" when the sender is not registered (it must register again)',
      labelNames: ['result'],
    });
    const list = () => this.list();
    metrics.gauge({
      name: 'ddb_registry_nodes',
      help: 'Registered nodes by role and lease status',
      labelNames: ['role', 'status'],
      collect() {
        // Every status of every role a node has, at zero too, so a dashboard sees DOWN go to 0.
        const count = new Map<string, number>();
        for (const node of list()) {
          for (const status of STATUSES) count.set(`${node.role} ${status}`, count.get(`${node.role} ${status}`) ?? 0);
          count.set(`${node.role} ${node.status}`, (count.get(`${node.role} ${node.status}`) ?? 0) + 1);
        }
        this.reset();
        for (const [labels, n] of count) {
          const [role, status] = labels.split(' ');
          this.set({ role, status }, n);
        }
      },
    });
  }

  register(node: NodeAddress): RegistrationReply {
    const { previous } = this.table.register(node, this.clock.now());
    if (!previous) {
      this.logger.log(`node ${node.id} registered (${node.role} at ${node.url})`);
    } else if (previous.url !== node.url || previous.role !== node.role) {
      const was = `${previous.role} at ${previous.url}`;
      this.logger.log(`node ${node.id} registered again, now ${node.role} at ${node.url} (was ${was})`);
    } else if (previous.status !== 'UP') {
      this.logger.log(`node ${node.id} registered again (was ${previous.status})`);
    }
    return { id: node.id, heartbeatIntervalMs: this.config.heartbeatIntervalMs, leaseTtlMs: this.config.leaseTtlMs };
  }

  heartbeat(id: string, stats: NodeStats): RegisteredNode {
    const view = this.table.heartbeat(id, stats, this.clock.now());
    this.heartbeats.inc({ result: view ? 'ok' : 'unknown' });
    if (!view) throw new NodeNotFoundError(id);
    return toRegisteredNode(view);
  }

  leave(id: string): void {
    if (!this.table.remove(id, this.clock.now())) throw new NodeNotFoundError(id);
    this.logger.log(`node ${id} left`);
  }

  get(id: string): RegisteredNode {
    const view = this.table.get(id, this.clock.now());
    if (!view) throw new NodeNotFoundError(id);
    return toRegisteredNode(view);
  }

  list(filter: LeaseFilter = {}): RegisteredNode[] {
    return this.table.list(this.clock.now(), filter).map(toRegisteredNode);
  }

  /** The periodic sweep: logs the status changes since the last sweep and forgets expired nodes. */
  evictExpired(): string[] {
    const now = this.clock.now();
    for (const { id, from, to } of this.table.statusChanges(now)) {
      const line = `node ${id} is ${to} (was ${from})`;
      if (to === 'UP') this.logger.log(line);
      else this.logger.warn(line);
    }
    const evicted = this.table.evictExpired(now);
    for (const id of evicted) this.logger.warn(`node ${id} evicted: DOWN for longer than ${this.config.downRetentionMs} ms`);
    return evicted;
  }
}

function toRegisteredNode(view: LeaseView): RegisteredNode {
  return {
    id: view.id,
    role: view.role,
    url: view.url,
    status: view.status,
    stats: view.stats,
    registeredAt: new Date(view.registeredAt).toISOString(),
    lastHeartbeatAt: new Date(view.lastHeartbeatAt).toISOString(),
  };
}
