import type { NodeStats } from '../common/cluster-types.js';

/** What a role reports on each heartbeat. Storage reports its space; other roles report nothing. */
export abstract class NodeStatsSource {
  abstract stats(): NodeStats;
}

export class NoStats extends NodeStatsSource {
  stats(): NodeStats {
    return {};
  }
}
