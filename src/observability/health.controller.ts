import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, HealthIndicatorService, type HealthCheckResult } from '@nestjs/terminus';
import { ServiceUnavailableError } from '../common/errors.js';
import { NodeIdentity } from '../common/node-identity.js';
import { Readiness } from './readiness.js';

export class HealthDto {
  @ApiProperty({ example: 'ok' }) status!: string;
  @ApiProperty({ example: 'storage' }) role!: string;
  @ApiProperty({ example: 'storage-1' }) nodeId!: string;
  @ApiProperty({
    example: { engine: { status: 'up' }, registered: { status: 'up' } },
  })
  details!: HealthCheckResult['details'];
}

/**
 * Liveness and readiness, open (no credential) for load balancers, container runtimes and
 * Kubernetes probes. Live: the process answers. Ready: the role's conditions hold (Readiness);
 * a node that is not ready answers 503 with which condition fails. /health is ready's alias.
 */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly readiness: Readiness,
    private readonly identity: NodeIdentity,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process is up and answering' })
  @ApiOkResponse({ type: HealthDto })
  async live(): Promise<HealthDto> {
    return this.answer(await this.health.check([]));
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: the node can serve its role' })
  @ApiOkResponse({ type: HealthDto })
  @ApiServiceUnavailableResponse({
    description: 'not ready; the body says which condition fails',
  })
  ready(): Promise<HealthDto> {
    return this.checkReady();
  }

  @Get()
  @ApiOperation({ summary: 'Alias of /health/ready' })
  @ApiOkResponse({ type: HealthDto })
  @ApiServiceUnavailableResponse({
    description: 'not ready; the body says which condition fails',
  })
  alias(): Promise<HealthDto> {
    return this.checkReady();
  }

  private async checkReady(): Promise<HealthDto> {
    const checks = Object.entries(this.readiness.checks()).map(
      ([name, ok]) =>
        () =>
          ok ? this.indicators.check(name).up() : this.indicators.check(name).down(),
    );
    try {
      return this.answer(await this.health.check(checks));
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const result = error.getResponse() as HealthCheckResult;
      const failing = Object.keys(result.error ?? {});
      const notReady = new ServiceUnavailableError(`not ready: ${failing.join(', ')}`);
      Object.assign(notReady.details, {
        status: 'error',
        role: this.identity.role,
        nodeId: this.identity.id,
        details: result.details,
      });
      throw notReady;
    }
  }

  private answer(result: HealthCheckResult): HealthDto {
    return {
      status: result.status,
      role: this.identity.role,
      nodeId: this.identity.id,
      details: result.details,
    };
  }
}
