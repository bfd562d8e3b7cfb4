/**
 * etcd, the reference: one member on 127.0.0.1 with a temp data dir, reached through its v3 JSON
 * gateway on the client port. Writes are durable (fsync'd WAL) as ours are (flushed LMDB commits).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { freePort, waitUntilUp } from '../support/net.js';
import type { Resources, Service } from '../support/resources.js';

export interface Etcd {
  readonly url: string;
  readonly version: string;
  readonly service: Service;
}

/** The etcd binary on PATH, or undefined. */
export function findEtcd(): string | undefined {
  return (process.env.PATH ?? '')
    .split(delimiter)
    .map((dir) => join(dir, 'etcd'))
    .find((file) => existsSync(file));
}

export async function startEtcd(resources: Resources, binary: string): Promise<Etcd> {
  const version = execFileSync(binary, ['--version'], { encoding: 'utf8' }).split('\n')[0].trim();
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const client = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const service = resources.start({
    name: 'etcd',
    command: binary,
    args: [
      '--name=bench',
      `--data-dir=${resources.tempDir('etcd')}`,
      `--listen-client-urls=${client}`,
      `--advertise-client-urls=${client}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=bench=${peer}`,
      // The 1 MB value cases write a lot of MVCC history; the default 2 GiB quota could run out.
      '--quota-backend-bytes=8589934592',
      '--logger=zap',
      '--log-level=warn',
    ],
    env: { PATH: process.env.PATH ?? '' },
  });
  await waitUntilUp(service, `${client}/health`);
  return { url: client, version, service };
}
