import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { Counter, Gauge, Histogram } from 'prom-client';
import { Metrics } from './metrics.service.js';

type Labels = 'method' | 'route' | 'status';

/**
 * Counts and times every request by route pattern (`/kv/*key`, never the key itself, so a
 * series exists per route and not per key) and status. Requests no route matched count as
 * "unmatched".
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  private readonly requests: Counter<Labels>;
  private readonly duration: Histogram<Labels>;
  private readonly inFlight: Gauge;

  constructor(metrics: Metrics) {
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
    const started = process.hrtime.bigint();
    this.inFlight.inc();
    res.once('close', () => this.inFlight.dec());
    res.once('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path;
      const labels = {
        method: req.method,
        route: route ? `${req.baseUrl}${route}` : 'unmatched',
        status: String(res.statusCode),
      };
      this.requests.inc(labels);
      this.duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  }
}
