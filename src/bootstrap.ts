import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppModule } from './app.module.js';
import { NodeIdentity } from './common/node-identity.js';
import { setupSwagger } from './common/swagger.js';
import type { AppConfig } from './config/app-config.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;

/** Builds the app for config.role with everything main.ts and the tests both need. */
export async function createApp(config: AppConfig): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRole(config), {
    bodyParser: false,
    logger: LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(config.logLevel) + 1),
  });
  setupSwagger(app, config.role);
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  return app;
}

/** Listens, then tells the node who it is reachable as (membership starts registering from then on). */
export async function listen(app: INestApplication, config: AppConfig): Promise<string> {
  const server = app.getHttpServer() as Server;
  // Keep idle connections open longer than clients keep them in their pools (30 s, see
  // membership.providers.ts), so a client never reuses a socket the server is closing.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await app.listen(config.port, config.host);
  const address = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = config.advertiseUrl ?? `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  app.get(NodeIdentity).announce(url);
  return url;
}
