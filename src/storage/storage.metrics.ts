import { Injectable } from '@nestjs/common';
import { Metrics } from '../observability/metrics.service.js';
import { StorageService } from './storage.service.js';

/** The engine's size as gauges, read from the store when Prometheus scrapes. */
@Injectable()
export class StorageMetrics {
  constructor(metrics: Metrics, storage: StorageService) {
    const gauge = (name: string, help: string, read: () => number) =>
      metrics.gauge({
        name,
        help,
        collect() {
          this.set(read());
        },
      });
    gauge('ddb_storage_keys', 'Live keys held (tombstones not counted)', () => storage.stats().keyCount ?? 0);
    gauge('ddb_storage_bytes', 'Bytes of live keys and values held', () => storage.stats().usedBytes ?? 0);
    gauge('ddb_storage_capacity_bytes', 'The capacity this node reports (CAPACITY_BYTES)', () => storage.stats().capacityBytes ?? 0);
    gauge('ddb_storage_partitions', 'Partitions this node holds a copy of', () => storage.inventory().partitions.length);
  }
}
