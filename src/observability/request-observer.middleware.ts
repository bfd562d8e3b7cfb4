import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PinoLogger } from 'nestjs-pino';
import type { Counter, Gauge, Histogram } from 'prom-client';
import { Metrics } from './metrics.service.js';
import { requestIdOf } from './request-context.js';

type Labels = 'method' | 'route' | 'status';

const WATCHED = Symbol('watched');

/**
 * Every request, once answered: counted and timed by route pattern (`/kv/*key`, never the key
 * itself, so a series exists per route and not per key) and status, and logged with its request
 * id: a server error as an error, a refusal (4xx) as info, a success at debug. One 'finish' hook
 * does both, as this runs on the data path. Requests no route matched count as "unmatched".
 */
@Injectable()
export class RequestObserverMiddleware implements NestMiddleware {
  private readonly requests: Counter<Labels>;
  private readonly duration: Histogram<Labels>;
  private readonly inFlight: Gauge;

  constructor(
    metrics: Metrics,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext('Http');
    this.requests = metrics.counter({
      name: 'ddb_http_requests_total',
      help: 'HTTP requests answered, by route and status',
      labelNames: ['method', 'route', 'status'],
    });
    this.duration = metrics.histogram({
      name: 'ddb_http_request_duration_seconds',
      help: 'Time from receiving a request to finishing its answer, by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    });
    this.inFlight = metrics.gauge({
      name: 'ddb_http_requests_in_flight',
      help: 'Requests received and not answered yet',
    });
  }

  use(req: Request, res: Response, next: NextFunction): void {
    this.watch(req, res, () => {
      const route = (req.route as { path?: string } | undefined)?.path;
      return route ? `${req.baseUrl}${route}` : 'unmatched';
    });
    next();
  }

  /**
   * Counts, times and logs the request once it is answered, under the route pattern `route` names
   * then. Once per request: a fast lane (fast-lane.ts) watches the requests it takes, including
   * those it then hands to express.
   */
  watch(req: IncomingMessage, res: ServerResponse, route: () => string): void {
    const watched = req as IncomingMessage & { [WATCHED]?: true };
    if (watched[WATCHED]) return;
    watched[WATCHED] = true;
    const started = process.hrtime.bigint();
    this.inFlight.inc();
    res.once('close', () => this.inFlight.dec());
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const status = res.statusCode;
      const labels = { method: req.method ?? '', route: route(), status: String(status) };
      this.requests.inc(labels);
      this.duration.observe(labels, seconds);
      this.log(req, status, seconds);
    });
  }

  private log(req: IncomingMessage, status: number, seconds: number): void {
    const url = req.url ?? '';
    if (url === '/metrics' || url.startsWith('/health')) return;
    const level = status >= 500 ? 'error' : status >= 400 ? 'info' : 'debug';
    if (!this.logger.logger.isLevelEnabled(level)) return;
    // Only these fields: headers carry the bearer secret, which must never reach a log.
    const entry = {
      req: { id: requestIdOf(req), method: req.method, url },
      res: { statusCode: status },
      responseTime: Math.round(seconds * 1000),
    };
    this.logger[level](entry, `${req.method} ${url} ${status}`);
  }
}
