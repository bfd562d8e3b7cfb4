import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Credential, Requires } from '../common/auth.guard.js';
import { ErrorResponseDto } from './dto/error-response.dto.js';
import { ListNodesQueryDto } from './dto/list-nodes-query.dto.js';
import { NodeListDto } from './dto/node-list.dto.js';
import { NodeStatsDto } from './dto/node-stats.dto.js';
import { RegisterNodeDto } from './dto/register-node.dto.js';
import { RegisteredNodeDto } from './dto/registered-node.dto.js';
import { RegistrationReplyDto } from './dto/registration-reply.dto.js';
import { RegistryService } from './registry.service.js';

const ID_PARAM = { name: 'id', example: 'storage-1', description: 'The node id it registered with' };

/** The registry's HTTP API. Internal: every route needs the cluster secret. */
@ApiTags('registry')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'Missing or wrong cluster secret' })
@Requires(Credential.ClusterSecret)
@Controller('registry/nodes')
export class RegistryController {
  constructor(private readonly registry: RegistryService) {}

  @Post()
  @ApiOperation({ summary: 'Register a node, or register it again after a restart (idempotent)' })
  @ApiCreatedResponse({ type: RegistrationReplyDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  register(@Body() body: RegisterNodeDto): RegistrationReplyDto {
    return this.registry.register({ id: body.id, role: body.role, url: body.url });
  }

  @Put(':id/heartbeat')
  @ApiOperation({ summary: "Renew a node's lease and report its stats; 404 means: register again" })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: RegisteredNodeDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Unknown id: the node must register again' })
  heartbeat(@Param('id') id: string, @Body() stats: NodeStatsDto): RegisteredNodeDto {
    return this.registry.heartbeat(id, stats);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Leave the cluster gracefully' })
  @ApiParam(ID_PARAM)
  @ApiNoContentResponse({ description: 'The node is no longer listed' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  leave(@Param('id') id: string): void {
    this.registry.leave(id);
  }

  @Get()
  @ApiOperation({ summary: 'List the registered nodes, sorted by id' })
  @ApiOkResponse({ type: NodeListDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  list(@Query() query: ListNodesQueryDto): NodeListDto {
    return { nodes: this.registry.list({ role: query.role, status: query.status }) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One registered node' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: RegisteredNodeDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  get(@Param('id') id: string): RegisteredNodeDto {
    return this.registry.get(id);
  }
}
