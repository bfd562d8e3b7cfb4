import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Credential } from '../common/auth.guard.js';
import { FastLane, type FastRequest } from '../common/fast-lane.js';
import { MAX_OPS_PER_BATCH, type OpDto, type OpsRequestDto } from './dto/ops.dto.js';
import { StorageService } from './storage.service.js';

const PATH = '/internal/ops';

/**
 * POST /internal/ops on the fast lane (common/fast-lane.ts): every client request reaches the
 * storage nodes through it. A batch that isWellFormedOps() accepts is executed here; any other
 * body goes to StorageController, whose DTO validation answers it.
 */
@Injectable()
export class OpsFastLane implements OnModuleInit {
  constructor(
    private readonly lane: FastLane,
    private readonly storage: StorageService,
  ) {}

  onModuleInit(): void {
    this.lane.serve((req, res) => this.take(req, res));
  }

  private take(req: IncomingMessage, res: ServerResponse): FastRequest | undefined {
    if (req.method !== 'POST' || req.url !== PATH || !this.lane.hasJsonBody(req)) return undefined;
    return { route: PATH, credential: Credential.ClusterSecret, serve: () => this.serve(req, res) };
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await this.lane.readJson(req);
    if (!isWellFormedOps(body)) return this.lane.toExpress(req, res, body);
    this.lane.reply(res, 200, { results: await this.storage.execute(body.ops) });
  }
}

const OP_FIELDS = new Set(['type', 'partition', 'key', 'value', 'epoch', 'revision']);

/**
 * Whether the body is a batch OpsRequestDto's validation accepts as it is (a unit test holds the
 * two together): `{ops: [...]}`, 1..MAX_OPS_PER_BATCH ops, each with only OpDto's fields, of their
 * types and ranges. One check per field instead of class-transformer and class-validator per op.
 */
export function isWellFormedOps(body: unknown): body is OpsRequestDto {
  if (!isPlainObject(body)) return false;
  const keys = Object.keys(body);
  if (keys.length !== 1 || keys[0] !== 'ops') return false;
  const ops = body.ops;
  if (!Array.isArray(ops) || ops.length < 1 || ops.length > MAX_OPS_PER_BATCH) return false;
  return ops.every(isWellFormedOp);
}

function isWellFormedOp(op: unknown): op is OpDto {
  if (!isPlainObject(op)) return false;
  for (const field of Object.keys(op)) if (!OP_FIELDS.has(field)) return false;
  return (
    (op.type === 'get' || op.type === 'put' || op.type === 'delete') &&
    Number.isInteger(op.partition) &&
    (op.partition as number) >= 0 &&
    typeof op.key === 'string' &&
    (op.value === undefined || typeof op.value === 'string') &&
    isOptionalCount(op.epoch) &&
    isOptionalCount(op.revision)
  );
}

/** undefined, or an integer from 1 to 2^53-1 (OpDto's @IsOptional @IsInt @Min(1) @Max). */
function isOptionalCount(value: unknown): boolean {
  return (
    value === undefined ||
    (Number.isInteger(value) && (value as number) >= 1 && (value as number) <= Number.MAX_SAFE_INTEGER)
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
