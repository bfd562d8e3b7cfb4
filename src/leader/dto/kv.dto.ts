import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';

export class PutValueDto {
  @ApiProperty({ example: '{"name":"Ada"}', description: 'any UTF-8 string up to MAX_VALUE_BYTES' })
  @IsString({ message: 'value must be a string' })
  value!: string;
}

export class PutResultDto {
  @ApiProperty({ example: 'users/42' }) key!: string;
  @ApiProperty({ example: 1042 }) revision!: number;
}

export class KeyValueDto {
  @ApiProperty({ example: 'users/42' }) key!: string;
  @ApiProperty({ example: '{"name":"Ada"}' }) value!: string;
  @ApiProperty({ example: 1042 }) revision!: number;
}

export class ListQueryDto {
  @ApiPropertyOptional({ example: 'users/', default: '' })
  @IsOptional()
  @IsString()
  prefix?: string;

  @ApiPropertyOptional({ example: 100, default: 100, minimum: 1, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer from 1 to 1000' })
  @Min(1, { message: 'limit must be an integer from 1 to 1000' })
  @Max(1000, { message: 'limit must be an integer from 1 to 1000' })
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  cursor?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], default: 'false', description: 'include values' })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'values must be true or false' })
  values?: 'true' | 'false';
}

export class ListItemDto {
  @ApiProperty({ example: 'users/42' }) key!: string;
  @ApiProperty({ example: 1042 }) revision!: number;
  @ApiPropertyOptional({ example: '{"name":"Ada"}' }) value?: string;
}

export class ListResultDto {
  @ApiProperty({ type: [ListItemDto] }) items!: ListItemDto[];
  @ApiProperty({ type: String, nullable: true, example: 'dXNlcnMvNDI', description: 'pass as cursor for the next page; null on the last page' })
  nextCursor!: string | null;
}
