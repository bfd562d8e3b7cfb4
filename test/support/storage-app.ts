import type { INestApplication } from '@nestjs/common';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App } from 'supertest/types.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { storageApi, type StorageApi } from './storage-api.js';
import { UNUSED_REGISTRY_URL } from './storage-nodes.js';
import { createTestApp } from './test-app.js';

export type EngineName = 'memory' | 'lmdb';

/** One storage app in process (not listening: supertest drives its server directly). */
export interface StorageApp {
  readonly app: INestApplication;
  readonly http: App;
  readonly config: AppConfig;
  readonly api: StorageApi;
  close(): Promise<void>;
}

/** Builds a storage app with the given engine; nothing but the environment is overridden. */
export async function startStorageApp(env: Record<string, string>): Promise<StorageApp> {
  const { app, config } = await createTestApp({ ROLE: 'storage', REGISTRY_URL: UNUSED_REGISTRY_URL, ...env });
  const http = app.getHttpServer() as App;
  let closed = false;
  return {
    app,
    http,
    config,
    api: storageApi(http),
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
    },
  };
}

/** A fresh, empty DATA_DIR for one test; remove it with removeDataDir afterwards. */
export function freshDataDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'ddb-storage-e2e-'));
}

export function removeDataDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}
