import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { MAX_OPS_PER_BATCH, OpsRequestDto } from './dto/ops.dto.js';
import { isWellFormedOps } from './ops-fast-lane.js';

/** What the Nest route's ValidationPipe (transform, whitelist, forbidNonWhitelisted) accepts. */
function dtoAccepts(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const dto = plainToInstance(OpsRequestDto, body);
  return validateSync(dto, { whitelist: true, forbidNonWhitelisted: true }).length === 0;
}

const get = { type: 'get', partition: 3, key: 'k' };
const put = { type: 'put', partition: 0, key: 'users/42', value: 'v', revision: 7, epoch: 2 };
const del = { type: 'delete', partition: 5, key: 'k', revision: Number.MAX_SAFE_INTEGER };

describe(isWellFormedOps.name, () => {
  const accepted: [string, unknown][] = [
    ['one get', { ops: [get] }],
    ['a mixed batch', { ops: [get, put, del] }],
    ['an empty key and value (the service refuses the key per op)', { ops: [{ ...put, key: '', value: '' }] }],
    [
      'a put without a value (the service refuses it per op)',
      { ops: [{ type: 'put', partition: 1, key: 'k', revision: 1 }] },
    ],
    ['the largest batch', { ops: Array.from({ length: MAX_OPS_PER_BATCH }, () => get) }],
  ];
  const refused: [string, unknown][] = [
    ['not an object', 'ops'],
    ['an array', [get]],
    ['no ops', {}],
    ['an extra top-level field', { ops: [get], more: 1 }],
    ['ops not an array', { ops: get }],
    ['an empty batch', { ops: [] }],
    ['a batch over the limit', { ops: Array.from({ length: MAX_OPS_PER_BATCH + 1 }, () => get) }],
    ['an unknown type', { ops: [{ ...get, type: 'scan' }] }],
    ['an extra op field', { ops: [{ ...get, extra: true }] }],
    ['a negative partition', { ops: [{ ...get, partition: -1 }] }],
    ['a fractional partition', { ops: [{ ...get, partition: 1.5 }] }],
    ['a partition as a string', { ops: [{ ...get, partition: '1' }] }],
    ['a numeric key', { ops: [{ ...get, key: 42 }] }],
    ['a numeric value', { ops: [{ ...put, value: 42 }] }],
    ['revision 0', { ops: [{ ...put, revision: 0 }] }],
    ['a revision past 2^53-1', { ops: [{ ...put, revision: Number.MAX_SAFE_INTEGER + 2 }] }],
    ['a fractional epoch', { ops: [{ ...put, epoch: 1.5 }] }],
    ['an op that is null', { ops: [null] }],
    ['one bad op among good ones', { ops: [get, { ...put, revision: -3 }, del] }],
  ];

  it.each(accepted)('accepts %s, as the DTO does', (_name, body) => {
    expect(isWellFormedOps(body)).toBe(true);
    expect(dtoAccepts(body)).toBe(true);
  });

  it.each(refused)('refuses %s, as the DTO does', (_name, body) => {
    expect(isWellFormedOps(body)).toBe(false);
    expect(dtoAccepts(body)).toBe(false);
  });

  it('leaves to the DTO what only the DTO accepts (null for an optional field)', () => {
    const body = { ops: [{ ...put, value: null }] };
    expect(isWellFormedOps(body)).toBe(false);
    expect(dtoAccepts(body)).toBe(true);
  });
});
