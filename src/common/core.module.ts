import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { Clock, SystemClock } from './clock.js';
import { NodeIdentity } from './node-identity.js';
import { OpenStreams } from './open-streams.js';

/** Global providers every role uses: the validated config, the clock, this node's identity and its open streams. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: Clock, useClass: SystemClock },
        { provide: NodeIdentity, useFactory: () => NodeIdentity.resolve(config) },
        OpenStreams,
      ],
      exports: [APP_CONFIG, Clock, NodeIdentity, OpenStreams],
    };
  }
}
