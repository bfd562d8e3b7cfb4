import { Module, type DynamicModule } from '@nestjs/common';
import { controlPlaneHttp, membershipProviders } from '../membership/membership.providers.js';
import { NodeStatsSource, NoStats } from '../membership/node-stats.js';
import { Readiness } from '../observability/readiness.js';
import { LeaderReadiness } from './leader-readiness.js';
import { LeaderMetrics } from './leader.metrics.js';
import { ClusterStateService } from './cluster-state.service.js';
import { ClusterEventsService } from './cluster-events.service.js';
import { ClusterViewService } from './cluster-view.service.js';
import { ClusterController } from './cluster.controller.js';
import { DashboardController } from './dashboard.controller.js';
import { KvController } from './kv.controller.js';
import { KvFastLane } from './kv-fast-lane.js';
import { KvService } from './kv.service.js';
import { PlacementService } from './placement.service.js';
import { ListingService } from './replication/listing.service.js';
import { RebalanceService } from './replication/rebalance.service.js';
import { RepairService } from './replication/repair.service.js';
import { TombstoneSweeperService } from './replication/tombstone-sweeper.service.js';
import { ReplicatedStore } from './replication/replicated-store.js';
import { StorageClient } from './storage-client.js';

/** ROLE=leader: the front door. Learns the cluster, places partitions, forwards each request. */
@Module({})
export class LeaderModule {
  static forRoot(): DynamicModule {
    return {
      module: LeaderModule,
      imports: [controlPlaneHttp],
      controllers: [KvController, ClusterController, DashboardController],
      providers: [
        { provide: NodeStatsSource, useClass: NoStats },
        ...membershipProviders,
        ClusterStateService,
        ClusterViewService,
        ClusterEventsService,
        PlacementService,
        KvService,
        KvFastLane,
        StorageClient,
        ReplicatedStore,
        ListingService,
        RepairService,
        RebalanceService,
        TombstoneSweeperService,
        { provide: Readiness, useClass: LeaderReadiness },
        LeaderMetrics,
      ],
      exports: [Readiness],
    };
  }
}
