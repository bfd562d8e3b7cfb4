import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { NodeIdentity } from '../common/node-identity.js';
import { ClusterStateService } from './cluster-state.service.js';
import type { ClusterViewDto } from './dto/cluster.dto.js';
import { majority } from './replication/quorum.js';
import { RepairService } from './replication/repair.service.js';

/** Turns the leader's state into the /cluster answer (what `ddb cluster` prints). */
@Injectable()
export class ClusterViewService {
  constructor(
    private readonly state: ClusterStateService,
    private readonly identity: NodeIdentity,
    private readonly repairs: RepairService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  snapshot(): ClusterViewDto {
    const counts = this.state.table.countsByNode();
    return {
      leader: {
        id: this.identity.id,
        url: this.identity.url,
        ready: this.state.ready,
        revision: this.state.clock.current,
      },
      partitionCount: this.state.table.size,
      replicationFactor: this.config.replicationFactor,
      completedMoves: this.repairs.completed,
      nodes: [
        {
          id: 'registry',
          role: 'registry',
          url: this.config.registryUrl ?? '',
          status: this.state.registryReachable ? 'UP' : 'DOWN',
          partitions: 0,
        },
        ...this.state.allNodes().map((n) => ({
          id: n.id,
          role: n.role,
          url: n.url,
          status: n.status,
          ...n.stats,
          partitions: counts.get(n.id) ?? 0,
          lastHeartbeatAt: n.lastHeartbeatAt,
          ...(n.role === 'storage' ? { draining: this.state.draining.has(n.id) } : {}),
        })),
      ],
      partitions: this.state.table.placed().map(([partition, placement]) => {
        const stats = this.state.partitionStats(partition);
        const live = placement.replicas.filter((id) => {
          const status = this.state.node(id)?.status;
          return status === 'UP' || status === 'SUSPECT';
        });
        return {
          partition,
          epoch: placement.epoch,
          replicas: [...placement.replicas],
          learners: [...placement.learners],
          state: partitionState(
            placement.replicas.length,
            live.length,
            placement.learners.length > 0,
            this.config.replicationFactor,
          ),
          ...stats,
        };
      }),
      unplaced: this.state.table.unplaced(),
    };
  }
}

/**
 * unavailable: fewer than a majority of its replicas are up (reads and writes fail);
 * moving: a copy to a new replica is under way; under-replicated: a replica is down, or the
 * partition has fewer replicas than REPLICATION_FACTOR; healthy otherwise.
 */
function partitionState(replicas: number, live: number, moving: boolean, replicationFactor: number): string {
  if (live < majority(replicas)) return 'unavailable';
  if (moving) return 'moving';
  if (live < replicas || replicas < replicationFactor) return 'under-replicated';
  return 'healthy';
}
