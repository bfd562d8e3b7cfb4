import { Module, type DynamicModule } from '@nestjs/common';
import { join } from 'node:path';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { controlPlaneHttp, membershipProviders } from '../membership/membership.providers.js';
import { NodeStatsSource } from '../membership/node-stats.js';
import { LmdbEngine } from './engines/lmdb-engine.js';
import { MemoryEngine } from './engines/memory-engine.js';
import { STORAGE_ENGINE, type StorageEngine } from './engines/storage-engine.js';
import { Readiness } from '../observability/readiness.js';
import { StorageReadiness } from './storage-readiness.js';
import { StorageMetrics } from './storage.metrics.js';
import { StorageController } from './storage.controller.js';
import { StorageService } from './storage.service.js';
import { OpsFastLane } from './ops-fast-lane.js';

function createEngine(config: AppConfig): StorageEngine {
  return config.storageEngine === 'memory' ? new MemoryEngine() : new LmdbEngine(join(config.dataDir, 'lmdb'));
}

/** ROLE=storage: holds data for the partitions the leader assigns it, and heartbeats its space. */
@Module({})
export class StorageModule {
  static forRoot(): DynamicModule {
    return {
      module: StorageModule,
      imports: [controlPlaneHttp],
      controllers: [StorageController],
      providers: [
        { provide: STORAGE_ENGINE, useFactory: createEngine, inject: [APP_CONFIG] },
        StorageService,
        OpsFastLane,
        { provide: NodeStatsSource, useExisting: StorageService },
        ...membershipProviders,
        { provide: Readiness, useClass: StorageReadiness },
        StorageMetrics,
      ],
      exports: [Readiness],
    };
  }
}
