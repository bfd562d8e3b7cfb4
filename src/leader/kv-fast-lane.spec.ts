import { plainKeyOf } from './kv-fast-lane.js';

describe(plainKeyOf.name, () => {
  it.each([
    ['/kv/users/42', 'users/42'],
    ['/kv/a', 'a'],
    ['/kv/caf%C3%A9?x=1', 'café'],
    ['/kv/a%2Fb', 'a/b'],
    ['/kv/%20spaced%20', ' spaced '],
  ])('reads %s as the key %j', (url, key) => {
    expect(plainKeyOf(url)).toBe(key);
  });

  it.each([
    ['no key', '/kv/'],
    ['the listing', '/kv?prefix=a'],
    ['another route', '/cluster'],
    ['a trailing slash', '/kv/a/'],
    ['an empty segment', '/kv/a//b'],
    ['bad %-encoding', '/kv/%E0%A4%A'],
    ['another case', '/KV/a'],
  ])('leaves %s to the router', (_name, url) => {
    expect(plainKeyOf(url)).toBeUndefined();
  });
});
