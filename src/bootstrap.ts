import { Logger, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppModule } from './app.module.js';
import { NodeIdentity } from './common/node-identity.js';
import { OpenStreams } from './common/open-streams.js';
import { setupSwagger } from './common/swagger.js';
import type { AppConfig } from './config/app-config.js';

/** Builds the app for config.role with everything main.ts and the tests both need. */
export async function createApp(config: AppConfig): Promise<INestApplication> {
  // Logs written while the app is built wait until the JSON logger takes over, so no line is plain text.
  const app = await NestFactory.create(AppModule.forRole(config), {
    bodyParser: false,
    bufferLogs: true,
  });
  app.useLogger(app.get(PinoNestLogger));
  setupSwagger(app, config.role);
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

/**
 * Graceful shutdown, in this order: stop accepting connections; end event streams; let the requests in flight finish
 * (up to SHUTDOWN_TIMEOUT_MS, then their connections are cut); then close the app, which leaves
 * the registry (MembershipService), stops the scheduled jobs and closes the storage engine.
 */
export async function shutdown(app: INestApplication, config: AppConfig): Promise<void> {
  const logger = new Logger('Shutdown');
  const server = app.getHttpServer() as Server;
  const started = Date.now();
  const drained = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  app.get(OpenStreams).closeAll();
  const cut = setTimeout(() => {
    logger.warn(`requests still in flight after ${config.shutdownTimeoutMs} ms: closing their connections`);
    server.closeAllConnections();
  }, config.shutdownTimeoutMs);
  await drained;
  clearTimeout(cut);
  await app.close();
  logger.log(`stopped in ${Date.now() - started} ms`);
}

/** SIGTERM and SIGINT shut the node down gracefully once; a second signal exits at once. */
export function exitOnSignals(app: INestApplication, config: AppConfig): () => void {
  let stopping = false;
  const stop = (): void => {
    if (stopping) process.exit(1);
    stopping = true;
    shutdown(app, config).then(
      () => process.exit(0),
      (error: unknown) => {
        new Logger('Shutdown').error(`shutdown failed: ${error instanceof Error ? error.stack : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  return stop;
}
