import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsBoolean, IsInt, IsOptional, IsString, Max, Min, ValidateNested } from 'class-validator';

export class ScanRequestDto {
  @ApiProperty({ example: [3, 17], description: 'partitions to scan; results are merged in key order' })
  @IsInt({ each: true })
  @Min(0, { each: true })
  @ArrayMaxSize(4096)
  partitions!: number[];

  @ApiPropertyOptional({ example: 'users/', default: '' })
  @IsOptional()
  @IsString()
  prefix?: string;

  @ApiPropertyOptional({ example: 'users/41', description: 'only keys strictly after this one' })
  @IsOptional()
  @IsString()
  after?: string;

  @ApiProperty({ example: 100 })
  @IsInt()
  @Min(1)
  @Max(10_000)
  limit!: number;

  @ApiPropertyOptional({ default: false, description: 'include values in the items' })
  @IsOptional()
  @IsBoolean()
  values?: boolean;

  @ApiPropertyOptional({ default: false, description: 'include tombstones (value null)' })
  @IsOptional()
  @IsBoolean()
  tombstones?: boolean;

  @ApiPropertyOptional({ default: false, description: 'only tombstones, with when they were written (deletedAt)' })
  @IsOptional()
  @IsBoolean()
  tombstonesOnly?: boolean;
}

export class PurgeItemDto {
  @ApiProperty({ example: 'users/42' })
  @IsString()
  key!: string;

  @ApiProperty({ example: 1042 })
  @IsInt()
  @Min(1)
  revision!: number;
}

export class PurgeRequestDto {
  @ApiProperty({ type: [PurgeItemDto], description: 'tombstones to remove: only a tombstone at exactly that revision is removed' })
  @ValidateNested({ each: true })
  @Type(() => PurgeItemDto)
  @ArrayMaxSize(10_000)
  tombstones!: PurgeItemDto[];
}

export class ScanItemDto {
  @ApiProperty({ example: 17 }) partition!: number;
  @ApiProperty({ example: 'users/42' }) key!: string;
  @ApiProperty({ example: 1042 }) revision!: number;
  @ApiPropertyOptional({ example: '{"name":"Ada"}', nullable: true, type: String }) value?: string | null;
  @ApiPropertyOptional({ example: 1764201600000, description: 'tombstonesOnly: when the delete was stored' }) deletedAt?: number;
}

export class ScanResponseDto {
  @ApiProperty({ type: [ScanItemDto] }) items!: ScanItemDto[];
  @ApiProperty({ description: 'more matching keys exist after the last item' }) more!: boolean;
}
