import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from '../config/app-config.js';
import { Role } from '../config/role.js';

/**
 * Who this process is: its node id and, once the HTTP server listens, the URL others reach it at.
 * A storage node's id must survive restarts (its data is known by that id), so without NODE_ID it
 * is generated once and kept in DATA_DIR/node-id.
 */
export class NodeIdentity {
  /** Set by main.ts after listen(): the port may be chosen by the OS (PORT=0). */
  private advertisedUrl?: string;
  private readonly listeners: ((url: string) => void)[] = [];

  constructor(
    readonly id: string,
    readonly role: Role,
  ) {}

  static resolve(config: AppConfig): NodeIdentity {
    if (config.nodeId) return new NodeIdentity(config.nodeId, config.role);
    if (config.role === Role.Storage && config.storageEngine === 'lmdb') {
      return new NodeIdentity(persistentId(config.dataDir), config.role);
    }
    const suffix = config.role === Role.Storage ? `-${randomBytes(4).toString('hex')}` : '';
    return new NodeIdentity(`${config.role}${suffix}`, config.role);
  }

  get url(): string | undefined {
    return this.advertisedUrl;
  }

  announce(url: string): void {
    this.advertisedUrl = url.replace(/\/+$/, '');
    for (const listener of this.listeners) listener(this.advertisedUrl);
  }

  /** Called once the URL is known (membership registers right away instead of at the next tick). */
  onAnnounce(listener: (url: string) => void): void {
    this.listeners.push(listener);
  }
}

function persistentId(dataDir: string): string {
  const file = join(dataDir, 'node-id');
  try {
    const id = readFileSync(file, 'utf8').trim();
    if (id) return id;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dataDir, { recursive: true });
  const id = `storage-${randomBytes(4).toString('hex')}`;
  writeFileSync(file, `${id}\n`, { flag: 'wx' });
  return id;
}
