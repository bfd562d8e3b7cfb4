import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { REQUEST_ID_HEADER, requestIdOf } from '../observability/request-context.js';
import { RequestObserverMiddleware } from '../observability/request-observer.middleware.js';
import { Credentials, type Credential } from './auth.guard.js';
import { errorAnswer } from './http-exception.filter.js';
import { InvalidInputError } from './errors.js';

/** A request a lane takes: the route pattern it is counted under, the credential it needs, and its work. */
export interface FastRequest {
  readonly route: string;
  readonly credential: Credential;
  /** Answers the request (FastLane answers a failure); `requestId` goes on to the calls it makes. */
  serve(requestId: string): Promise<void>;
}

/** Looks at a request's method, URL and headers: returns what the lane does with it, or undefined to leave it to express. */
export type FastHandler = (req: IncomingMessage, res: ServerResponse) => FastRequest | undefined;

/** The JSON body limit: a value of MAX_VALUE_BYTES, worst-case escaped (a \u escape is 6 bytes per character), plus room for the rest. */
export function bodyLimit(config: AppConfig): number {
  return config.maxValueBytes * 6 + 64 * 1024;
}

const JSON_TYPE = /^application\/json\s*(;\s*charset="?utf-8"?\s*)?$/i;
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * Fast lanes: the few routes every client request goes through (the leader's GET/PUT/DELETE
 * /kv/{key}, a storage node's POST /internal/ops) answered straight from node's HTTP server, in
 * front of express and Nest, whose routing, guards, pipes and response handling measured more
 * CPU per request than everything else the leader does (bench/README.md). A lane keeps what the
 * Nest route does: the credential, the request id, metrics and logs, the same error bodies, the
 * same validation. It takes only what it can serve completely (plain paths, JSON bodies of the
 * expected shape) and hands everything else to express, untouched or, once it has read the body,
 * with `req.body` set (body-parser leaves a read request alone), so that odd input gets exactly
 * the answer the Nest route gives. The routes stay declared in their controllers (Swagger, and
 * the fallback).
 */
@Injectable()
export class FastLane implements OnApplicationBootstrap {
  private readonly logger = new Logger('Errors');
  private readonly handlers: FastHandler[] = [];
  private readonly credentials: Credentials;
  private readonly limit: number;
  /** The server's own request listener (express), for what no lane takes. */
  private fallback?: (req: IncomingMessage, res: ServerResponse) => void;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly observer: RequestObserverMiddleware,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.credentials = new Credentials(config);
    this.limit = bodyLimit(config);
  }

  /** Adds a lane; call before the app is bootstrapped (onModuleInit). */
  serve(handler: FastHandler): void {
    this.handlers.push(handler);
  }

  onApplicationBootstrap(): void {
    if (this.handlers.length === 0) return;
    const server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    const listeners = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
    if (listeners.length !== 1) throw new Error(`expected one request listener (express), found ${listeners.length}`);
    // A closure, not listeners[0].bind(): an express app's .bind() is its route for the HTTP BIND verb.
    const express = listeners[0];
    this.fallback = (req, res) => express.call(server, req, res);
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      for (const handler of this.handlers) {
        const taken = handler(req, res);
        if (taken) return this.run(req, res, taken);
      }
      this.fallback!(req, res);
    });
  }

  /** What every lane does around its work: the request id (echoed), metrics and log line, the credential, failures. */
  private run(req: IncomingMessage, res: ServerResponse, taken: FastRequest): void {
    const id = requestIdOf(req);
    res.setHeader(REQUEST_ID_HEADER, id);
    this.observer.watch(req, res, () => taken.route);
    try {
      this.credentials.assert(taken.credential, req.headers.authorization);
    } catch (error) {
      return this.fail(res, error);
    }
    taken.serve(id).catch((error: unknown) => this.fail(res, error));
  }

  /** Hands a request whose body this lane has read (`body`) to express and Nest. */
  toExpress(req: IncomingMessage, res: ServerResponse, body: unknown): void {
    (req as IncomingMessage & { body?: unknown }).body = body;
    this.fallback!(req, res);
  }

  reply(res: ServerResponse, status: number, body?: unknown, headers?: Record<string, string>): void {
    if (body === undefined) {
      res.writeHead(status, headers).end();
      return;
    }
    const text = JSON.stringify(body);
    res.writeHead(status, { ...headers, 'content-type': JSON_CONTENT_TYPE, 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  /** Answers a failure as AllExceptionsFilter would. */
  private fail(res: ServerResponse, error: unknown): void {
    const { body, headers } = errorAnswer(error, this.logger);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    this.reply(res, body.statusCode, body, headers);
  }

  /** Whether the request has no body (GET, DELETE: a lane leaves one with a body to express). */
  hasNoBody(req: IncomingMessage): boolean {
    const length = req.headers['content-length'];
    return req.headers['transfer-encoding'] === undefined && (length === undefined || length === '0');
  }

  /** Whether the request's body is one this lane can read: non-empty, uncompressed UTF-8 JSON. */
  hasJsonBody(req: IncomingMessage): boolean {
    const type = req.headers['content-type'];
    return (
      type !== undefined &&
      JSON_TYPE.test(type) &&
      req.headers['content-encoding'] === undefined &&
      req.headers['content-length'] !== '0' &&
      (req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined)
    );
  }

  /**
   * Reads and parses the JSON body, within the same limit as the JSON middleware, failing as
   * body-parser does: 413 too large, 400 malformed. Like body-parser in strict mode, only an
   * object or an array is JSON here.
   */
  async readJson(req: IncomingMessage): Promise<unknown> {
    const text = await this.readBody(req);
    const first = /\S/.exec(text)?.[0];
    if (first !== '{' && first !== '[') throw malformed('the body must be a JSON object or array');
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw malformed((error as Error).message);
    }
  }

  private readBody(req: IncomingMessage): Promise<string> {
    if (Number(req.headers['content-length']) > this.limit) return Promise.reject(tooLarge());
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const onData = (chunk: Buffer): void => {
        size += chunk.length;
        if (size <= this.limit) {
          chunks.push(chunk);
          return;
        }
        req.off('data', onData);
        req.resume();
        reject(tooLarge());
      };
      const onEnd = (): void => {
        req.off('close', onClose);
        resolve(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8'));
      };
      // 'close' follows 'end' on every request: only one without 'end' failed (and an error is costly to make).
      const onClose = (): void => reject(new InvalidInputError('the request ended before its body'));
      req.on('data', onData);
      req.once('end', onEnd);
      req.once('error', reject);
      req.once('close', onClose);
    });
  }
}

/** Shaped like body-parser's errors, which AllExceptionsFilter maps. */
function malformed(message: string): Error {
  return Object.assign(new Error(message), { status: 400, type: 'entity.parse.failed' });
}

function tooLarge(): Error {
  return Object.assign(new Error('request entity too large'), { status: 413, type: 'entity.too.large' });
}
