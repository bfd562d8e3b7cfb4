import type { ErrorBody } from '../../src/common/http-exception.filter.js';

/** Every error answer of every role is JSON {statusCode, error, message} (plus named details). */
export function expectErrorBody(body: unknown, statusCode: number, details: Record<string, unknown> = {}): ErrorBody {
  expect(body).toEqual({ statusCode, error: expect.any(String), message: expect.any(String), ...details });
  return body as ErrorBody;
}
