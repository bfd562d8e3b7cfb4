import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsIn, IsOptional } from 'class-validator';
import { NODE_STATUSES, type NodeStatus } from '../../common/cluster-types.js';
import { Role } from '../../config/role.js';

/** Query of GET /registry/nodes: optional filters, combined with AND. */
export class ListNodesQueryDto {
  @ApiPropertyOptional({ enum: Role, enumName: 'Role', example: Role.Storage })
  @IsOptional()
  @IsEnum(Role, { message: 'role must be one of registry, storage, leader' })
  role?: Role;

  @ApiPropertyOptional({ enum: NODE_STATUSES, enumName: 'NodeStatus', example: 'UP' })
  @IsOptional()
  @IsIn(NODE_STATUSES, { message: 'status must be one of UP, SUSPECT, DOWN' })
  status?: NodeStatus;
}
