import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMinSize, ArrayUnique, IsBoolean, IsInt, IsNotEmpty, IsOptional, IsString, Max, Min } from 'class-validator';

export class AssignmentDto {
  @ApiProperty({ example: 7, description: 'only grows; an older epoch is refused (409)' })
  @IsInt()
  @Min(1)
  // Epochs come from the leader's revision clock: above 2^53-1 it could no longer issue a higher one.
  @Max(Number.MAX_SAFE_INTEGER)
  epoch!: number;

  @ApiProperty({ example: ['storage-1', 'storage-2', 'storage-3'], description: 'the node ids holding this partition' })
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @ArrayUnique()
  @ArrayMinSize(1)
  replicas!: string[];

  @ApiPropertyOptional({ example: ['storage-4'], description: 'nodes being filled with a copy: they take writes, not votes' })
  @IsOptional()
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @ArrayUnique()
  learners?: string[];
}

export class PartitionInventoryDto {
  @ApiProperty({ example: 17 }) partition!: number;
  @ApiProperty({ example: 7 }) epoch!: number;
  @ApiProperty({ example: ['storage-1'] }) replicas!: string[];
  @ApiProperty({ example: [] }) learners!: string[];
  @ApiProperty({ example: 120 }) keyCount!: number;
  @ApiProperty({ example: 5120 }) bytes!: number;
}

export class InventoryDto {
  @ApiProperty({ example: 'storage-1' }) nodeId!: string;
  @ApiProperty({ example: 1042, description: 'highest revision held, tombstones included' }) maxRevision!: number;
  @ApiProperty({ example: 1048576 }) usedBytes!: number;
  @ApiProperty({ example: 10737418240 }) capacityBytes!: number;
  @ApiProperty({ example: 2400 }) keyCount!: number;
  @ApiProperty({ example: false, description: 'the node is being drained: it gets no new replicas' }) draining!: boolean;
  @ApiProperty({ type: [PartitionInventoryDto] }) partitions!: PartitionInventoryDto[];
}

export class DrainDto {
  @ApiProperty({ example: true })
  @IsBoolean()
  draining!: boolean;
}
