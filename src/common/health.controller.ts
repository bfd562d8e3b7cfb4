import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { NodeIdentity } from './node-identity.js';

export class HealthDto {
  @ApiProperty({ example: 'ok' }) status!: 'ok';
  @ApiProperty({ example: 'storage' }) role!: string;
  @ApiProperty({ example: 'storage-1' }) nodeId!: string;
}

/** Liveness of the process. Open (no credential), so load balancers and container runtimes can call it. */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly identity: NodeIdentity) {}

  @Get()
  @ApiOkResponse({ type: HealthDto })
  health(): HealthDto {
    return { status: 'ok', role: this.identity.role, nodeId: this.identity.id };
  }
}
