import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateClusterSecret } from './cluster-secret.js';

describe(loadOrCreateClusterSecret.name, () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ddb-secret-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('generates 32 random bytes in hex on first start, readable by the owner only', () => {
    const sut = loadOrCreateClusterSecret(join(dir, 'data'));
    expect(sut.created).toBe(true);
    expect(sut.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(sut.file, 'utf8').trim()).toBe(sut.secret);
    expect(statSync(sut.file).mode & 0o777).toBe(0o600);
  });

  it('reuses the same secret on the next start', () => {
    const first = loadOrCreateClusterSecret(dir);
    const second = loadOrCreateClusterSecret(dir);
    expect(second).toEqual({ ...first, created: false });
  });

  it('refuses a secret file that is too short, saying how to fix it', () => {
    writeFileSync(join(dir, 'cluster-secret'), 'short\n');
    expect(() => loadOrCreateClusterSecret(dir)).toThrow(/delete it/);
  });
});
