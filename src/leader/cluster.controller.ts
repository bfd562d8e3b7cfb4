import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Credential, Requires } from '../common/auth.guard.js';
import { ClusterViewService } from './cluster-view.service.js';
import { ClusterViewDto } from './dto/cluster.dto.js';

@ApiTags('cluster')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'API_TOKEN is set and the request lacks it' })
@Requires(Credential.ApiToken)
@Controller('cluster')
export class ClusterController {
  constructor(private readonly view: ClusterViewService) {}

  @Get()
  @ApiOkResponse({ type: ClusterViewDto, description: 'every node with status and stats, and where each partition lives' })
  cluster(): ClusterViewDto {
    return this.view.snapshot();
  }
}
