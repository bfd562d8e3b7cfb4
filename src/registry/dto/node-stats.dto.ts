import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, Max, Min, ValidateIf } from 'class-validator';
import type { NodeStats } from '../../common/cluster-types.js';

/**
 * An optional count: absent, or a non-negative integer that a JSON number holds exactly. Not
 * @IsOptional(), which would also let `null` through and store it.
 */
const Count = (description: string, example: number) =>
  applyDecorators(
    ApiPropertyOptional({ description, example, minimum: 0, type: 'integer' }),
    ValidateIf((_dto: object, value: unknown) => value !== undefined),
    IsInt({ message: '$property must be a non-negative integer' }),
    Min(0, { message: '$property must be a non-negative integer' }),
    Max(Number.MAX_SAFE_INTEGER, { message: '$property must be at most 2^53-1' }),
  );

/**
 * Body of PUT /registry/nodes/:id/heartbeat, and the `stats` of a listed node: what the node last
 * reported. A storage node reports all three; other roles send `{}`.
 */
export class NodeStatsDto implements NodeStats {
  @Count('Bytes of data stored', 73400320)
  usedBytes?: number;

  @Count('Bytes the node may store', 10737418240)
  capacityBytes?: number;

  @Count('Number of keys stored', 1532)
  keyCount?: number;
}
