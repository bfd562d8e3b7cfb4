import { Injectable } from '@nestjs/common';
import { Metrics } from '../observability/metrics.service.js';
import { ClusterViewService } from './cluster-view.service.js';

const STATES = ['healthy', 'under-replicated', 'moving', 'unavailable'];

/** The partition map as gauges, computed from the same view /cluster shows when Prometheus scrapes. */
@Injectable()
export class LeaderMetrics {
  constructor(metrics: Metrics, view: ClusterViewService) {
    metrics.gauge({
      name: 'ddb_partitions',
      help: 'Partitions by state (unplaced: no replica yet)',
      labelNames: ['state'],
      collect() {
        const snapshot = view.snapshot();
        for (const state of STATES) this.set({ state }, snapshot.partitions.filter((p) => p.state === state).length);
        this.set({ state: 'unplaced' }, snapshot.unplaced.length);
      },
    });
    metrics.gauge({
      name: 'ddb_revision',
      help: 'The highest revision the leader has handed out',
      collect() {
        this.set(view.snapshot().leader.revision);
      },
    });
  }
}
