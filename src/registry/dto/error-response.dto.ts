import { ApiProperty } from '@nestjs/swagger';

/** The JSON body of every error answer (see common/http-exception.filter.ts), for the OpenAPI document. */
export class ErrorResponseDto {
  @ApiProperty({ example: 404 })
  statusCode!: number;

  @ApiProperty({ example: 'Not Found' })
  error!: string;

  @ApiProperty({ example: 'node "storage-1" is not registered' })
  message!: string;
}
