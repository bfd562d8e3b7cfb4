import { originOf, summarise, type CpuProfile } from './profile-summary.js';

const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });

// Samples every 1,000 µs from t=1,000; node 2 is JSON.parse (native), 3 express, 4 idle, 5 our app.
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)') },
    { id: 2, callFrame: frame('parse') },
    { id: 3, callFrame: frame('handle', 'file:///app/node_modules/express/lib/application.js', 151) },
    { id: 4, callFrame: frame('(idle)') },
    { id: 5, callFrame: frame('put', 'file:///app/dist/leader/kv.service.js', 9) },
  ],
  startTime: 0,
  endTime: 9000,
  samples: [3, 3, 2, 4, 4, 5, 3, 5, 2],
  timeDeltas: [1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000],
};

describe('summarise', () => {
  it('adds up self time per function and per origin, as shares of the busy time', () => {
    const sut = summarise(profile);
    // The last sample has no successor, so it stands for no time: 8 ms in all, 2 of them idle.
    expect(sut).toMatchObject({ windowMs: 8, idleMs: 2, busyMs: 6 });
    expect(sut.functions[0]).toEqual({
      name: 'handle',
      where: 'node_modules/express/lib/application.js:152',
      ms: 3,
      share: 0.5,
    });
    expect(sut.origins.map((o) => [o.name, o.ms])).toEqual([
      ['express', 3],
      ['app: dist/leader', 2],
      ['V8 builtins / native', 1],
    ]);
  });

  it('keeps only the samples inside any of several windows (one per round)', () => {
    const sut = summarise(profile, [
      { from: 1000, to: 2000 },
      { from: 6000, to: 6000 },
    ]);
    // t=1,000 and 2,000: handle (2 ms); t=6,000: put (1 ms).
    expect(sut.windowMs).toBe(3);
    expect(sut.functions.map((f) => [f.name, f.ms])).toEqual([
      ['handle', 2],
      ['put', 1],
    ]);
  });

  it('keeps only the samples inside a window', () => {
    const sut = summarise(profile, { from: 6000, to: 8000 });
    expect(sut.functions.map((f) => [f.name, f.ms])).toEqual([
      ['put', 2],
      ['handle', 1],
    ]);
  });
});

describe('originOf', () => {
  it.each([
    ['(garbage collector)', '', '(garbage collector)'],
    ['writev', '', 'V8 builtins / native'],
    ['emit', 'node:events', 'node core'],
    ['x', 'file:///a/node_modules/@nestjs/core/router/router-proxy.js', '@nestjs/core'],
    ['x', 'file:///a/node_modules/axios/lib/core/Axios.js', 'axios'],
    ['x', 'file:///a/dist/leader/replication/quorum.js', 'app: dist/leader/replication'],
  ])('%s in %s comes from %s', (name, url, origin) => {
    expect(originOf(name, url)).toBe(origin);
  });
});
