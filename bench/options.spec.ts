import { parseOptions, UsageError } from './options.js';

describe('parseOptions', () => {
  it('defaults to 3 rounds of 4 s per throughput case at 50 connections over 10,000 keys', () => {
    const sut = parseOptions([]);
    expect(sut).toMatchObject({
      quick: false,
      rounds: 3,
      seconds: 4,
      warmupSeconds: 1,
      sizeSeconds: 5,
      sizeWarmupSeconds: 2,
      connections: 50,
      keys: 10_000,
      memoryKeys: 1_000_000,
      only: null,
    });
    expect(sut.listCounts).toEqual([100, 1000, 10_000]);
    expect(sut.out).toBe('bench/results/latest.json');
  });

  it('makes --quick short and small, and lets explicit values win', () => {
    const sut = parseOptions(['--quick', '--keys', '200', '--only', 'ceiling, rf1']);
    expect(sut).toMatchObject({
      quick: true,
      rounds: 2,
      seconds: 1.5,
      keys: 200,
      memoryKeys: 10_000,
      only: ['ceiling', 'rf1'],
    });
    expect(parseOptions(['--quick', '--rounds', '1'])).toMatchObject({ rounds: 1, seconds: 1.5, warmupSeconds: 0.5 });
    expect(sut.listCounts).toEqual([100, 200]);
  });

  it('reads --memory-keys and --cpu-prof', () => {
    expect(parseOptions(['--memory-keys', '100000', '--cpu-prof'])).toMatchObject({
      memoryKeys: 100_000,
      cpuProf: true,
    });
  });

  it("runs our servers on the harness's own Node unless --node names a major version or a binary", () => {
    expect(parseOptions([]).node).toEqual({ kind: 'harness' });
    expect(parseOptions(['--node', '24']).node).toEqual({ kind: 'major', major: 24 });
    expect(parseOptions(['--node', '/opt/node-24/bin/node']).node).toEqual({
      kind: 'path',
      path: '/opt/node-24/bin/node',
    });
    expect(parseOptions(['--node', '24.9.0']).node).toEqual({ kind: 'path', path: '24.9.0' });
  });

  it.each([
    [['--node', '0'], '--node must be a positive whole number, got "0"'],
    [['--node', ''], '--node takes a major version (24) or the path of a node binary'],
    [['--keys', '0'], '--keys must be a positive whole number, got "0"'],
    [['--seconds', 'ten'], '--seconds must be a positive number, got "ten"'],
    [['--rounds', '1.5'], '--rounds must be a positive whole number, got "1.5"'],
    [['--memory-rf', '5'], '--memory-rf must be 1, 2 or 3'],
    [['--bogus'], "Unknown option '--bogus'"],
  ])('refuses %j', (argv, message) => {
    expect(() => parseOptions(argv)).toThrow(UsageError);
    expect(() => parseOptions(argv)).toThrow(message);
  });
});
