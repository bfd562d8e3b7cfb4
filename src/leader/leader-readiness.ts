import { Injectable } from '@nestjs/common';
import { Readiness } from '../observability/readiness.js';
import { ClusterStateService } from './cluster-state.service.js';

/** The leader is ready once it has rebuilt its partition table and sees a storage node up. */
@Injectable()
export class LeaderReadiness extends Readiness {
  constructor(private readonly state: ClusterStateService) {
    super();
  }

  checks(): Record<string, boolean> {
    return {
      partitionTable: this.state.ready,
      storageNode: this.state.storageNodes().some((n) => n.status === 'UP'),
    };
  }
}
