import type { Params } from 'nestjs-pino';
import { stdTimeFunctions, type Level, type LoggerOptions } from 'pino';
import pretty from 'pino-pretty';
import type { NodeIdentity } from '../common/node-identity.js';
import type { AppConfig } from '../config/app-config.js';

const PINO_LEVEL: Record<AppConfig['logLevel'], Level> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

/**
 * Structured logs (nestjs-pino): one JSON object a line, or coloured lines at a terminal; every
 * line with the node's role and id. Request lines carry the request id (request-context.ts).
 * Requests themselves are logged by RequestObserverMiddleware, so pino-http's own per-request
 * middleware is not mounted (forRoutes: none): it would cost a child logger and an async context
 * per request on the data path.
 */
export function loggerParams(config: AppConfig, identity: NodeIdentity): Params {
  const options: LoggerOptions = {
    level: PINO_LEVEL[config.logLevel],
    base: { role: config.role, node: identity.id },
    timestamp: stdTimeFunctions.isoTime,
  };
  const pinoHttp =
    config.logFormat === 'pretty' ? [options, pretty({ sync: true, colorize: true, ignore: 'pid,hostname' })] : options;
  return { pinoHttp, forRoutes: [] } as Params;
}
