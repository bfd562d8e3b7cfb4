import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsBoolean, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';

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
}

export class ScanItemDto {
  @ApiProperty({ example: 17 }) partition!: number;
  @ApiProperty({ example: 'users/42' }) key!: string;
  @ApiProperty({ example: 1042 }) revision!: number;
  @ApiPropertyOptional({ example: '{"name":"Ada"}', nullable: true, type: String }) value?: string | null;
}

export class ScanResponseDto {
  @ApiProperty({ type: [ScanItemDto] }) items!: ScanItemDto[];
  @ApiProperty({ description: 'more matching keys exist after the last item' }) more!: boolean;
}
