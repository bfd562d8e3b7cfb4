import {
  Inject,
  Module,
  ValidationPipe,
  type DynamicModule,
  type MiddlewareConsumer,
  type NestModule,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { json } from 'express';
import { AuthGuard } from './common/auth.guard.js';
import { CoreModule } from './common/core.module.js';
import { AllExceptionsFilter } from './common/http-exception.filter.js';
import { chain } from './common/chain.js';
import { bodyLimit } from './common/fast-lane.js';
import { requireJsonBody } from './common/json-body.middleware.js';
import { APP_CONFIG, type AppConfig } from './config/app-config.js';
import { Role } from './config/role.js';
import { HealthController } from './observability/health.controller.js';
import { RequestObserverMiddleware } from './observability/request-observer.middleware.js';
import { ObservabilityModule } from './observability/observability.module.js';
import { echoRequestId } from './observability/request-context.js';
import { LeaderModule } from './leader/leader.module.js';
import { RegistryModule } from './registry/registry.module.js';
import { StorageModule } from './storage/storage.module.js';

/**
 * One app, three roles: forRole() picks the role's module with one exhaustive switch. The pieces
 * every role shares (config, validation, errors, auth, health, metrics, logs, body parsing) are wired here, as
 * APP_* providers so that test apps built from this module get them too.
 */
@Module({})
export class AppModule implements NestModule {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly observer: RequestObserverMiddleware,
  ) {}

  static forRole(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.forRoot(config), ObservabilityModule, ScheduleModule.forRoot(), roleModule(config.role)],
      controllers: [HealthController],
      providers: [
        {
          provide: APP_PIPE,
          useValue: new ValidationPipe({ transform: true, whitelist: true, forbidNonWhitelisted: true }),
        },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
    };
  }

  // The JSON parser is a middleware here (the app is created with bodyParser: false) so that its
  // limit follows MAX_VALUE_BYTES and its errors go through AllExceptionsFilter (and get counted
  // and logged with their request id).
  configure(consumer: MiddlewareConsumer): void {
    const observe = this.observer.use.bind(this.observer);
    consumer
      .apply(chain(echoRequestId, observe, requireJsonBody, json({ limit: bodyLimit(this.config) })))
      .forRoutes('{*path}');
  }
}

function roleModule(role: Role): DynamicModule {
  switch (role) {
    case Role.Registry:
      return RegistryModule.forRoot();
    case Role.Storage:
      return StorageModule.forRoot();
    case Role.Leader:
      return LeaderModule.forRoot();
    default: {
      const unknown: never = role;
      throw new Error(`unknown role ${String(unknown)}`);
    }
  }
}
