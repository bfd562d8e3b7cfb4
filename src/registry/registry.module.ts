import { Module, type DynamicModule } from '@nestjs/common';

@Module({})
export class RegistryModule {
  static forRoot(): DynamicModule {
    return { module: RegistryModule };
  }
}
