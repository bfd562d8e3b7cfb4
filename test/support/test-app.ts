import type { INestApplication } from '@nestjs/common';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import { AppModule } from '../../src/app.module.js';
import { setupSwagger } from '../../src/common/swagger.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { AppConfig } from '../../src/config/app-config.js';

export const TEST_SECRET = 'test-cluster-secret-0123456789';

/**
 * Builds one role's real app in process, for supertest. `env` is the environment the node would
 * see; `customize` can override providers (fake registry, fake clock, …) before compile.
 */
export async function createTestApp(
  env: Record<string, string>,
  customize: (builder: TestingModuleBuilder) => TestingModuleBuilder = (b) => b,
): Promise<{ app: INestApplication; config: AppConfig }> {
  const config = loadConfig({ CLUSTER_SECRET: TEST_SECRET, LOG_LEVEL: 'error', ...env });
  const moduleRef = await customize(Test.createTestingModule({ imports: [AppModule.forRole(config)] })).compile();
  const app = moduleRef.createNestApplication({ bodyParser: false, logger: process.env.TEST_LOGS ? ['error', 'warn', 'log'] : ['error'] });
  setupSwagger(app, config.role);
  await app.init();
  return { app, config };
}

export const auth = { Authorization: `Bearer ${TEST_SECRET}` };
