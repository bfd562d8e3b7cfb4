import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Put, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiParam,
  ApiPreconditionFailedResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Credential, Requires } from '../common/auth.guard.js';
import { RequestId } from '../observability/request-context.js';
import { etagOf, parseConditions } from './conditional-headers.js';
import { KeyValueDto, ListQueryDto, ListResultDto, PutResultDto, PutValueDto } from './dto/kv.dto.js';
import { KvService } from './kv.service.js';

// type: String: the route's wildcard gives the handler segments (string[]), but a client sends one string.
const KEY_PARAM = {
  name: 'key',
  type: String,
  description: 'the key: 1..1024 UTF-8 bytes, may contain "/"',
  example: 'users/42',
};

/** The public key/value API: GET/PUT/DELETE /kv/{key} and GET /kv (listing). */
@ApiTags('kv')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'API_TOKEN is set and the request lacks it' })
@ApiServiceUnavailableResponse({
  description:
    'the partition of the key is unavailable; retry after Retry-After. A failed write says whether it may have been applied: outcome "not-applied" (safe to repeat) or "unknown"',
})
@Requires(Credential.ApiToken)
@Controller('kv')
export class KvController {
  constructor(private readonly kv: KvService) {}

  @Get()
  @ApiOkResponse({ type: ListResultDto, description: 'keys in key order across all partitions' })
  @ApiBadRequestResponse({ description: 'bad prefix, limit, cursor or values' })
  list(@Query() query: ListQueryDto, @RequestId() requestId: string): Promise<ListResultDto> {
    return this.kv.list(
      { prefix: query.prefix ?? '', limit: query.limit ?? 100, cursor: query.cursor, values: query.values === 'true' },
      requestId,
    );
  }

  @Get('*key')
  @ApiParam(KEY_PARAM)
  @ApiOkResponse({ type: KeyValueDto, description: 'the value, with ETag: "<revision>"' })
  @ApiNotFoundResponse({ description: 'no such key' })
  async get(
    @Param('key') key: string[],
    @RequestId() requestId: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<KeyValueDto> {
    const found = await this.kv.get(key.join('/'), requestId);
    res.setHeader('ETag', etagOf(found.revision));
    return found;
  }

  @Put('*key')
  @ApiParam(KEY_PARAM)
  @ApiHeader({
    name: 'If-Match',
    required: false,
    description: 'write only if the current revision is this ETag, e.g. "42"',
  })
  @ApiHeader({ name: 'If-None-Match', required: false, description: '"*": write only if the key does not exist' })
  @ApiCreatedResponse({ type: PutResultDto, description: 'created' })
  @ApiOkResponse({ type: PutResultDto, description: 'replaced' })
  @ApiPreconditionFailedResponse({ description: 'the condition did not hold; body has currentRevision' })
  @ApiBadRequestResponse({ description: 'bad key, body, or header' })
  async put(
    @Param('key') key: string[],
    @Body() body: PutValueDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @RequestId() requestId: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PutResultDto> {
    const outcome = await this.kv.put(key.join('/'), body.value, parseConditions(ifMatch, ifNoneMatch), requestId);
    res.status(outcome.created ? 201 : 200).setHeader('ETag', etagOf(outcome.revision));
    return { key: outcome.key, revision: outcome.revision };
  }

  @Delete('*key')
  @HttpCode(204)
  @ApiParam(KEY_PARAM)
  @ApiHeader({ name: 'If-Match', required: false, description: 'delete only if the current revision is this ETag' })
  @ApiNoContentResponse({ description: 'deleted' })
  @ApiNotFoundResponse({ description: 'no such key' })
  @ApiPreconditionFailedResponse({ description: 'the condition did not hold' })
  async delete(
    @Param('key') key: string[],
    @Headers('if-match') ifMatch: string | undefined,
    @RequestId() requestId: string,
  ): Promise<void> {
    await this.kv.delete(key.join('/'), parseConditions(ifMatch, undefined), requestId);
  }
}
