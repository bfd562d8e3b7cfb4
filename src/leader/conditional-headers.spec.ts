import { InvalidInputError } from '../common/errors.js';
import { etagOf, parseConditions } from './conditional-headers.js';

describe('conditional headers', () => {
  it('formats a revision as a strong ETag', () => {
    expect(etagOf(42)).toBe('"42"');
  });

  it.each([
    ['"42"', 42],
    ['42', 42],
    ['W/"7"', 7],
  ])('reads If-Match %s', (header, revision) => {
    expect(parseConditions(header, undefined)).toEqual({ ifMatch: revision });
  });

  it('reads If-None-Match: *', () => {
    expect(parseConditions(undefined, '*')).toEqual({ ifNoneMatch: true });
    expect(parseConditions(undefined, undefined)).toEqual({});
  });

  it.each([
    ['garbage If-Match', 'abc', undefined],
    ['an ETag list', '"1", "2"', undefined],
    ['If-None-Match other than *', undefined, '"3"'],
    ['both headers', '"1"', '*'],
  ])('rejects %s with a 400', (_, ifMatch, ifNoneMatch) => {
    expect(() => parseConditions(ifMatch, ifNoneMatch)).toThrow(InvalidInputError);
  });
});
