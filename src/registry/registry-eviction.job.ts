import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { RegistryService } from './registry.service.js';

export const EVICTION_INTERVAL = 'registry-eviction';

/**
 * Runs the registry's sweep once per heartbeat interval. The interval comes from the config, which
 * the @Interval decorator cannot read, so it is registered with the SchedulerRegistry by hand.
 * Nothing depends on when the sweep runs (see LeaseTable.evictExpired); it only frees memory and logs.
 */
@Injectable()
export class RegistryEvictionJob implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('RegistryEviction');

  constructor(
    private readonly registry: RegistryService,
    private readonly scheduler: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const timer = setInterval(() => this.run(), this.config.heartbeatIntervalMs);
    timer.unref();
    this.scheduler.addInterval(EVICTION_INTERVAL, timer);
  }

  onModuleDestroy(): void {
    if (this.scheduler.doesExist('interval', EVICTION_INTERVAL)) this.scheduler.deleteInterval(EVICTION_INTERVAL);
  }

  private run(): void {
    try {
      this.registry.evictExpired();
    } catch (error) {
      this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    }
  }
}
