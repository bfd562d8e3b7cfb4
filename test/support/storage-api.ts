import request from 'supertest';
import type { App } from 'supertest/types.js';
import type { AssignmentDto, InventoryDto } from '../../src/storage/dto/inventory.dto.js';
import type { OpDto, OpResultDto } from '../../src/storage/dto/ops.dto.js';
import type { ScanRequestDto, ScanResponseDto } from '../../src/storage/dto/scan.dto.js';
import { auth } from './test-app.js';

/** One op as the leader sends it (a plain object; the DTO class only adds decorators). */
export type Op = Pick<OpDto, 'type' | 'partition' | 'key'> & Partial<Pick<OpDto, 'value' | 'revision'>>;

/**
 * The storage node's internal data API as the leader calls it (with the cluster secret). The raw
 * request builders return supertest requests so a test can assert on any status; the *Ok helpers
 * expect success and return the typed body.
 */
export function storageApi(http: App) {
  return {
    ops: (body: unknown) =>
      request(http)
        .post('/internal/ops')
        .set(auth)
        .send(body as object),
    scan: (body: unknown) =>
      request(http)
        .post('/internal/scan')
        .set(auth)
        .send(body as object),
    assign: (partition: number | string, body: unknown) =>
      request(http)
        .put(`/internal/partitions/${partition}/assignment`)
        .set(auth)
        .send(body as object),
    inventoryRequest: () => request(http).get('/internal/inventory').set(auth),

    async run(ops: Op[]): Promise<OpResultDto[]> {
      const res = await request(http).post('/internal/ops').set(auth).send({ ops }).expect(200);
      return (res.body as { results: OpResultDto[] }).results;
    },
    async scanOk(body: Partial<ScanRequestDto>): Promise<ScanResponseDto> {
      const res = await request(http).post('/internal/scan').set(auth).send(body).expect(200);
      return res.body as ScanResponseDto;
    },
    async assignOk(partition: number, assignment: AssignmentDto): Promise<AssignmentDto & { partition: number }> {
      const res = await request(http)
        .put(`/internal/partitions/${partition}/assignment`)
        .set(auth)
        .send(assignment)
        .expect(200);
      return res.body as AssignmentDto & { partition: number };
    },
    async inventory(): Promise<InventoryDto> {
      const res = await request(http).get('/internal/inventory').set(auth).expect(200);
      return res.body as InventoryDto;
    },
    /** The stored record of one key (a tombstone is {value: null}), or null when nothing is stored. */
    async record(partition: number, key: string): Promise<OpResultDto['record']> {
      const [result] = await this.run([{ type: 'get', partition, key }]);
      return result.record;
    },
  };
}

export type StorageApi = ReturnType<typeof storageApi>;
