import { Module, type DynamicModule } from '@nestjs/common';
import { AlwaysReady, Readiness } from '../observability/readiness.js';
import { RegistryController } from './registry.controller.js';
import { RegistryEvictionJob } from './registry-eviction.job.js';
import { RegistryService } from './registry.service.js';

/**
 * The registry role: a service registry with Heartbeat + Lease. Layout:
 *   lease-table.ts            the pattern itself, plain TypeScript driven by `now`
 *   registry.service.ts       the table wired to the clock and the log
 *   registry-eviction.job.ts  the periodic sweep (status-change log, eviction)
 *   registry.controller.ts    HTTP: /registry/nodes, cluster secret required
 *   dto/                      request and response bodies
 */
@Module({})
export class RegistryModule {
  static forRoot(): DynamicModule {
    return {
      module: RegistryModule,
      controllers: [RegistryController],
      providers: [RegistryService, RegistryEvictionJob, { provide: Readiness, useClass: AlwaysReady }],
      exports: [RegistryService, Readiness],
    };
  }
}
