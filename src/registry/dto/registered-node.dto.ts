import { ApiProperty } from '@nestjs/swagger';
import { NODE_STATUSES, type NodeStatus, type RegisteredNode } from '../../common/cluster-types.js';
import { Role } from '../../config/role.js';
import { NodeStatsDto } from './node-stats.dto.js';

/** One registry entry as GET /registry/nodes lists it. */
export class RegisteredNodeDto implements RegisteredNode {
  @ApiProperty({ example: 'storage-1' })
  id!: string;

  @ApiProperty({ enum: Role, enumName: 'Role', example: Role.Storage })
  role!: string;

  @ApiProperty({ example: 'http://10.0.0.7:4001' })
  url!: string;

  @ApiProperty({
    enum: NODE_STATUSES,
    enumName: 'NodeStatus',
    example: 'UP',
    description: 'UP while heartbeats arrive; SUSPECT after 2 missed intervals; DOWN once the lease TTL has passed',
  })
  status!: NodeStatus;

  @ApiProperty({ type: NodeStatsDto, description: 'What the node reported on its last heartbeat' })
  stats!: NodeStatsDto;

  @ApiProperty({ example: '2026-01-05T10:00:00.000Z', format: 'date-time' })
  registeredAt!: string;

  @ApiProperty({ example: '2026-01-05T10:04:59.000Z', format: 'date-time' })
  lastHeartbeatAt!: string;
}
