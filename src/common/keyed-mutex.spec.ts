import { KeyedMutex } from './keyed-mutex.js';

describe(KeyedMutex.name, () => {
  it('runs work for one key one at a time, in arrival order', async () => {
    const sut = new KeyedMutex();
    const events: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const first = sut.run('k', async () => {
      events.push('first:start');
      await gate;
      events.push('first:end');
    });
    const second = sut.run('k', async () => void events.push('second'));
    await Promise.resolve();
    expect(events).toEqual(['first:start']);
    release();
    await Promise.all([first, second]);
    expect(events).toEqual(['first:start', 'first:end', 'second']);
  });

  it('does not make different keys wait for each other', async () => {
    const sut = new KeyedMutex();
    let release!: () => void;
    const blocked = sut.run('a', () => new Promise<void>((r) => (release = r)));
    await expect(sut.run('b', async () => 'b done')).resolves.toBe('b done');
    release();
    await blocked;
  });

  it('keeps going after a failure and forgets drained keys', async () => {
    const sut = new KeyedMutex();
    await expect(sut.run('k', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(sut.run('k', async () => 42)).resolves.toBe(42);
    expect(sut.size).toBe(0);
  });
});
