import { Controller, Delete, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiParam,
  ApiProduces,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Credential, Requires } from '../common/auth.guard.js';
import type { Request, Response } from 'express';
import { ClusterEventsService } from './cluster-events.service.js';
import { ClusterViewService } from './cluster-view.service.js';
import { ClusterViewDto, DrainStatusDto } from './dto/cluster.dto.js';
import { RebalanceService } from './replication/rebalance.service.js';

@ApiTags('cluster')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'API_TOKEN is set and the request lacks it' })
@Requires(Credential.ApiToken)
@Controller('cluster')
export class ClusterController {
  constructor(
    private readonly view: ClusterViewService,
    private readonly rebalance: RebalanceService,
    private readonly events: ClusterEventsService,
  ) {}

  @Get('events')
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description:
      'server-sent events: `snapshot` (the /cluster view) first and after every change, `event` (what happened: node down, repair finished, ...)',
  })
  stream(@Req() req: Request, @Res() res: Response): void {
    // Connection: close: a browser that reconnects must not reuse this socket, or during a graceful
    // shutdown its new stream would arrive on an open connection and hold the shutdown up.
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      'X-Accel-Buffering': 'no',
      Connection: 'close',
    });
    const unsubscribe = this.events.subscribe(res);
    req.on('close', unsubscribe);
  }

  @Get()
  @ApiOkResponse({
    type: ClusterViewDto,
    description: 'every node with status and stats, and where each partition lives',
  })
  cluster(): ClusterViewDto {
    return this.view.snapshot();
  }

  @Post('nodes/:id/drain')
  @HttpCode(200)
  @ApiParam({ name: 'id', example: 'storage-2' })
  @ApiOkResponse({
    type: DrainStatusDto,
    description: 'the node gets no new replicas and gives its replicas away; drained once it holds none',
  })
  @ApiNotFoundResponse({ description: 'no such storage node' })
  drain(@Param('id') id: string): Promise<DrainStatusDto> {
    return this.rebalance.drain(id, true);
  }

  @Delete('nodes/:id/drain')
  @ApiParam({ name: 'id', example: 'storage-2' })
  @ApiOkResponse({ type: DrainStatusDto, description: 'the node takes replicas again' })
  @ApiNotFoundResponse({ description: 'no such storage node' })
  undrain(@Param('id') id: string): Promise<DrainStatusDto> {
    return this.rebalance.drain(id, false);
  }
}
