import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Credential, Requires } from '../common/auth.guard.js';
import { AssignmentDto, DrainDto, InventoryDto } from './dto/inventory.dto.js';
import { OpsRequestDto, OpsResponseDto } from './dto/ops.dto.js';
import { PurgeRequestDto, ScanRequestDto, ScanResponseDto } from './dto/scan.dto.js';
import { StorageService } from './storage.service.js';

/** The internal, partition-aware data API. Only the leader calls it, with the cluster secret. */
@ApiTags('internal')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'missing or wrong cluster secret' })
@Requires(Credential.ClusterSecret)
@Controller('internal')
export class StorageController {
  constructor(private readonly storage: StorageService) {}

  @Post('ops')
  @HttpCode(200)
  @ApiOkResponse({ type: OpsResponseDto, description: 'one result per op, in order' })
  async ops(@Body() body: OpsRequestDto): Promise<OpsResponseDto> {
    return { results: await this.storage.execute(body.ops) };
  }

  @Post('scan')
  @HttpCode(200)
  @ApiOkResponse({ type: ScanResponseDto })
  scan(@Body() body: ScanRequestDto): ScanResponseDto {
    return this.storage.scan(body);
  }

  @Post('partitions/:partition/purge')
  @HttpCode(200)
  @ApiOkResponse({ description: '{purged}: how many of the given tombstones were removed' })
  async purge(@Param('partition', ParseIntPipe) partition: number, @Body() body: PurgeRequestDto): Promise<{ purged: number }> {
    return this.storage.purge(partition, body.tombstones);
  }

  @Put('partitions/:partition/assignment')
  @ApiOkResponse({ type: AssignmentDto })
  async assign(
    @Param('partition', ParseIntPipe) partition: number,
    @Body() body: AssignmentDto,
  ): Promise<AssignmentDto> {
    return this.storage.assign(partition, body);
  }

  @Post('partitions/:partition/drop')
  @HttpCode(200)
  @ApiOkResponse({ description: 'the partition moved away (body: its current assignment, without this node); its data is deleted' })
  async drop(
    @Param('partition', ParseIntPipe) partition: number,
    @Body() body: AssignmentDto,
  ): Promise<{ partition: number; dropped: boolean }> {
    return this.storage.drop(partition, body);
  }

  @Put('draining')
  @ApiOkResponse({ type: DrainDto })
  async draining(@Body() body: DrainDto): Promise<DrainDto> {
    return this.storage.setDraining(body.draining);
  }

  @Get('inventory')
  @ApiOkResponse({ type: InventoryDto })
  inventory(): InventoryDto {
    return this.storage.inventory();
  }
}
