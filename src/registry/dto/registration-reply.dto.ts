import { ApiProperty } from '@nestjs/swagger';
import type { RegistrationReply } from '../../common/cluster-types.js';

/** Answer of POST /registry/nodes: the timings the node must keep to hold its lease. */
export class RegistrationReplyDto implements RegistrationReply {
  @ApiProperty({ example: 'storage-1' })
  id!: string;

  @ApiProperty({ example: 1000, description: 'Send a heartbeat this often' })
  heartbeatIntervalMs!: number;

  @ApiProperty({ example: 5000, description: 'Without a heartbeat for this long the node is DOWN' })
  leaseTtlMs!: number;
}
