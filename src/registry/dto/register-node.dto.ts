import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEnum, IsString, IsUrl, Matches, MaxLength } from 'class-validator';
import { Role } from '../../config/role.js';

export const NODE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

const trimTrailingSlashes = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.replace(/\/+$/, '') : value;

/** Body of POST /registry/nodes: who the node is and where the others reach it. */
export class RegisterNodeDto {
  @ApiProperty({ example: 'storage-1', pattern: NODE_ID_PATTERN.source, description: 'Stable node id' })
  @IsString({ message: 'id must be a string' })
  @Matches(NODE_ID_PATTERN, {
    message: 'id must be 1-63 characters of letters, digits, ".", "_" or "-", starting with a letter or digit',
  })
  id!: string;

  @ApiProperty({ enum: Role, enumName: 'Role', example: Role.Storage })
  @IsEnum(Role, { message: 'role must be one of registry, storage, leader' })
  role!: Role;

  @ApiProperty({
    example: 'http://10.0.0.7:4001',
    description: 'http(s) base URL of the node; trailing slashes are dropped',
    maxLength: 2048,
  })
  @Transform(trimTrailingSlashes)
  @IsUrl(
    { require_tld: false, require_protocol: true, protocols: ['http', 'https'] },
    { message: 'url must be an http(s) URL such as http://10.0.0.7:4001' },
  )
  @MaxLength(2048, { message: 'url must be at most 2048 characters' })
  url!: string;
}
