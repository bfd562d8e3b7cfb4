import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App } from 'supertest/types.js';
import { createTestApp } from './test-app.js';

/** Any URL will do: storage membership only registers once main.ts announces the URL, which tests never do. */
export const UNUSED_REGISTRY_URL = 'http://127.0.0.1:9';

/** A real storage app listening on 127.0.0.1 on a free port, as the leader would reach it. */
export interface StorageNode {
  readonly id: string;
  readonly url: string;
  readonly app: INestApplication;
  readonly http: App;
  readonly closed: boolean;
  /** Stops the node (idempotent): afterwards its URL refuses connections. */
  close(): Promise<void>;
}

/** Starts one in-memory storage app per id (NODE_ID = id). */
export async function startStorageNodes(
  ids: readonly string[],
  env: Record<string, string> = {},
): Promise<StorageNode[]> {
  const nodes: StorageNode[] = [];
  try {
    for (const id of ids) nodes.push(await startStorageNode(id, env));
  } catch (error) {
    await closeAll(nodes);
    throw error;
  }
  return nodes;
}

export async function startStorageNode(id: string, env: Record<string, string> = {}): Promise<StorageNode> {
  const { app } = await createTestApp({
    ROLE: 'storage',
    STORAGE_ENGINE: 'memory',
    NODE_ID: id,
    REGISTRY_URL: UNUSED_REGISTRY_URL,
    ...env,
  });
  // As bootstrap.ts's listen() does, but without announcing the URL (that would start registering).
  const server = app.getHttpServer() as Server;
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await app.listen(0, '127.0.0.1');
  const { port } = server.address() as AddressInfo;
  let closed = false;
  return {
    id,
    url: `http://127.0.0.1:${port}`,
    app,
    http: app.getHttpServer() as App,
    get closed() {
      return closed;
    },
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
    },
  };
}

export async function closeAll(nodes: readonly { close(): Promise<void> }[]): Promise<void> {
  await Promise.allSettled(nodes.map((n) => n.close()));
}
