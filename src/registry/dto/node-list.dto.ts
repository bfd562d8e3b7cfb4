import { ApiProperty } from '@nestjs/swagger';
import { RegisteredNodeDto } from './registered-node.dto.js';

/** Answer of GET /registry/nodes. An object rather than a bare array, so fields can be added later. */
export class NodeListDto {
  @ApiProperty({ type: [RegisteredNodeDto], description: 'Sorted by id' })
  nodes!: RegisteredNodeDto[];
}
