import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LauncherError } from './launcher-error.js';

export const SECRET_FILE = 'cluster-secret';
const MIN_LENGTH = 16; // what the nodes accept (CLUSTER_SECRET in env.schema.ts)

/**
 * The local cluster's shared secret: 32 random bytes (hex), made on first start and kept in
 * <dataDir>/cluster-secret, readable by the owner only, so that every later start, and the
 * data the nodes keep, belong to the same cluster.
 */
export function loadOrCreateClusterSecret(dataDir: string): { secret: string; file: string; created: boolean } {
  const file = join(dataDir, SECRET_FILE);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString('hex');
  try {
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return { secret, file, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const existing = readFileSync(file, 'utf8').trim();
  if (existing.length < MIN_LENGTH) {
    throw new LauncherError(
      `${file} holds no usable secret (it needs at least ${MIN_LENGTH} characters); delete it to have a new one generated`,
    );
  }
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  return { secret: existing, file, created: false };
}
