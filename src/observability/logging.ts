import type { Params } from 'nestjs-pino';
import type { Options } from 'pino-http';
import { stdTimeFunctions, type Level } from 'pino';
import pretty from 'pino-pretty';
import type { NodeIdentity } from '../common/node-identity.js';
import type { AppConfig } from '../config/app-config.js';
import { requestIdOf } from './request-context.js';

const PINO_LEVEL: Record<AppConfig['logLevel'], Level> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

/**
 * Structured logs: one JSON object a line (pretty at a terminal), every line with the node's role
 * and id, request lines with the request id. A request is logged by its outcome: a server error
 * as an error, a refusal (4xx) as info, a success only at debug, so the data path stays quiet.
 */
export function loggerParams(config: AppConfig, identity: NodeIdentity): Params {
  const options: Options = {
    level: PINO_LEVEL[config.logLevel],
    base: { role: config.role, node: identity.id },
    timestamp: stdTimeFunctions.isoTime,
    genReqId: (req) => requestIdOf(req),
    customLogLevel: (_req, res, error) =>
      error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug',
    autoLogging: {
      ignore: (req) => req.url === '/metrics' || req.url?.startsWith('/health') === true,
    },
    // Only these fields: headers carry the bearer secret, which must never reach a log.
    serializers: {
      req: (req: { id: unknown; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        url: req.url,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  };
  const pinoHttp =
    config.logFormat === 'pretty' ? [options, pretty({ sync: true, colorize: true, ignore: 'pid,hostname' })] : options;
  return { pinoHttp } as Params;
}
