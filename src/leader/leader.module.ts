import { Module, type DynamicModule } from '@nestjs/common';

@Module({})
export class LeaderModule {
  static forRoot(): DynamicModule {
    return { module: LeaderModule };
  }
}
