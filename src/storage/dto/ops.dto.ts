import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsIn, IsInt, IsOptional, IsString, Max, Min, ValidateNested } from 'class-validator';

export const MAX_OPS_PER_BATCH = 1000;
export type OpType = 'get' | 'put' | 'delete';

/** One operation of a batch. `value` goes with put; `revision` (issued by the leader) with put and delete. */
export class OpDto {
  @ApiProperty({ enum: ['get', 'put', 'delete'], example: 'put' })
  @IsIn(['get', 'put', 'delete'])
  type!: OpType;

  @ApiProperty({ example: 17, description: 'partition = stableHash(key) mod PARTITIONS' })
  @IsInt()
  @Min(0)
  partition!: number;

  @ApiProperty({ example: 'users/42' })
  @IsString()
  key!: string;

  @ApiPropertyOptional({ example: '{"name":"Ada"}' })
  @IsOptional()
  @IsString()
  value?: string;

  @ApiPropertyOptional({ example: 7, description: 'the partition epoch the leader believes current (for logs and refusals)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  epoch?: number;

  @ApiPropertyOptional({ example: 1042 })
  @IsOptional()
  @IsInt()
  @Min(1)
  // Above 2^53-1 a number stops being exact: the leader's clock could no longer issue a higher one.
  @Max(Number.MAX_SAFE_INTEGER)
  revision?: number;
}

export class OpsRequestDto {
  @ApiProperty({ type: [OpDto], description: `1..${MAX_OPS_PER_BATCH} operations, applied in order, writes in one durable commit` })
  @ValidateNested({ each: true })
  @Type(() => OpDto)
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_OPS_PER_BATCH)
  ops!: OpDto[];
}

export class RecordDto {
  @ApiProperty({ example: 1042 }) revision!: number;
  @ApiProperty({ example: '{"name":"Ada"}', nullable: true, type: String, description: 'null for a tombstone' })
  value!: string | null;
}

/**
 * What a write replaced: its revision and whether it was a tombstone, not its value (the leader
 * needs no more, and a value can be a megabyte that would travel back from every replica).
 */
export class PreviousDto {
  @ApiProperty({ example: 1041 }) revision!: number;
  @ApiProperty({ description: 'true when what was stored is a tombstone (a deleted key)' }) tombstone!: boolean;
}

/** The result of one op. Exactly one of record (get), applied+previous (put/delete) or error is set. */
export class OpResultDto {
  @ApiPropertyOptional({ type: RecordDto, nullable: true, description: 'get: the stored record, or null' })
  record?: RecordDto | null;

  @ApiPropertyOptional({ description: 'put/delete: false when a record at or above this revision was already stored' })
  applied?: boolean;

  @ApiPropertyOptional({ type: PreviousDto, nullable: true, description: 'put/delete: what was stored before, or null' })
  previous?: PreviousDto | null;

  @ApiPropertyOptional({ enum: ['not-owner', 'invalid'] })
  error?: 'not-owner' | 'invalid';

  @ApiPropertyOptional({ example: 'partition 17 is not assigned to storage-2' })
  message?: string;
}

export class OpsResponseDto {
  @ApiProperty({ type: [OpResultDto] }) results!: OpResultDto[];
}
