import { Controller, Get, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Credential, Requires } from '../common/auth.guard.js';
import { Metrics } from './metrics.service.js';

/** Prometheus scrape endpoint. It describes the cluster's inside, so it needs the cluster secret. */
@ApiTags('metrics')
@ApiBearerAuth()
@Controller('metrics')
@Requires(Credential.ClusterSecret)
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get()
  @ApiOperation({
    summary: 'Prometheus metrics of this node (Authorization: Bearer <CLUSTER_SECRET>)',
  })
  @ApiProduces('text/plain')
  @ApiUnauthorizedResponse({ description: 'missing or wrong cluster secret' })
  @ApiOkResponse({
    description: 'Metrics in the Prometheus text format',
    type: String,
  })
  async scrape(@Res({ passthrough: true }) res: Response): Promise<string> {
    res.type(this.metrics.registry.contentType);
    return this.metrics.registry.metrics();
  }
}
