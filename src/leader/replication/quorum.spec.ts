import { awaitQuorum, majority, newest, QuorumNotReachedError } from './quorum.js';

const later = <T>(value: T, ms = 5): Promise<T> => new Promise((r) => setTimeout(() => r(value), ms));
const failLater = (ms = 5): Promise<never> => new Promise((_, j) => setTimeout(() => j(new Error('down')), ms));
const never = <T>(): Promise<T> => new Promise(() => undefined);

describe('quorum', () => {
  it.each([
    [1, 1],
    [2, 2],
    [3, 2],
    [4, 3],
    [5, 3],
  ])('a majority of %d replicas is %d', (n, m) => {
    expect(majority(n)).toBe(m);
  });

  it('settles as soon as a majority answered, without waiting for a hung replica', async () => {
    const outcome = await awaitQuorum([later('a'), never<string>(), later('c', 10)], 2);
    expect(outcome.successes.sort()).toEqual(['a', 'c']);
  });

  it('succeeds with one replica down of three', async () => {
    const outcome = await awaitQuorum([failLater(1), later('b'), later('c')], 2);
    expect(outcome.successes).toHaveLength(2);
    expect(outcome.failures).toHaveLength(1);
  });

  it('fails as soon as a majority is impossible, even while one replica still hangs', async () => {
    await expect(awaitQuorum([failLater(1), failLater(2), never<string>()], 2)).rejects.toBeInstanceOf(
      QuorumNotReachedError,
    );
  });

  it('fails at once when there are fewer attempts than needed', async () => {
    await expect(awaitQuorum([later('a')], 2)).rejects.toMatchObject({ needed: 2, succeeded: 0 });
  });

  it('picks the highest revision', () => {
    expect(newest([{ revision: 3 }, null, { revision: 9 }, { revision: 5 }])).toEqual({ revision: 9 });
    expect(newest([null, null])).toBeNull();
  });
});
