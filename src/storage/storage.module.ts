import { Module, type DynamicModule } from '@nestjs/common';

@Module({})
export class StorageModule {
  static forRoot(): DynamicModule {
    return { module: StorageModule };
  }
}
