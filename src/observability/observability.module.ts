import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { FastLane } from '../common/fast-lane.js';
import { NodeIdentity } from '../common/node-identity.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { loggerParams } from './logging.js';
import { MetricsController } from './metrics.controller.js';
import { Metrics } from './metrics.service.js';
import { RequestObserverMiddleware } from './request-observer.middleware.js';

/**
 * What every role shows of itself to operators. Layout:
 *   health.controller.ts, readiness.ts   /health/live, /health/ready (terminus; AppModule mounts it, each role provides Readiness)
 *   metrics.service.ts                   the node's Prometheus registry; features declare their metrics on it
 *   metrics.controller.ts                /metrics (cluster secret)
 *   request-observer.middleware.ts       every answered request: counted, timed and logged
 *   logging.ts, request-context.ts       JSON logs (nestjs-pino) and X-Request-Id across nodes
 *   ../common/fast-lane.ts               hot routes served in front of express, observed like the rest (provided here)
 */
@Global()
@Module({
  imports: [
    TerminusModule.forRoot({ logger: false }),
    LoggerModule.forRootAsync({
      inject: [APP_CONFIG, NodeIdentity],
      useFactory: (config: AppConfig, identity: NodeIdentity) => loggerParams(config, identity),
    }),
  ],
  controllers: [MetricsController],
  providers: [Metrics, RequestObserverMiddleware, FastLane],
  exports: [Metrics, RequestObserverMiddleware, FastLane, TerminusModule],
})
export class ObservabilityModule {}
