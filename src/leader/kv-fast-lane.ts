import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Credential } from '../common/auth.guard.js';
import { FastLane, type FastRequest } from '../common/fast-lane.js';
import { etagOf, parseConditions } from './conditional-headers.js';
import { KvService } from './kv.service.js';

/** The route pattern KvController declares for these requests (metrics label them by it). */
const ROUTE = '/kv/*key';

/**
 * GET, PUT and DELETE /kv/{key} on the fast lane (common/fast-lane.ts): the same KvService calls
 * and answers as KvController's, without express and Nest in between. Anything unusual (another
 * method, an odd path, a body it does not expect, a body that is not `{"value": string}`) goes to
 * KvController, which stays the reference for what these routes do.
 */
@Injectable()
export class KvFastLane implements OnModuleInit {
  constructor(
    private readonly lane: FastLane,
    private readonly kv: KvService,
  ) {}

  onModuleInit(): void {
    this.lane.serve((req, res) => this.take(req, res));
  }

  private take(req: IncomingMessage, res: ServerResponse): FastRequest | undefined {
    const method = req.method;
    if (method !== 'GET' && method !== 'PUT' && method !== 'DELETE') return undefined;
    const key = plainKeyOf(req.url ?? '');
    if (key === undefined) return undefined;
    if (method === 'PUT' ? !this.lane.hasJsonBody(req) : !this.lane.hasNoBody(req)) return undefined;
    const serve =
      method === 'GET'
        ? (requestId: string) => this.get(key, res, requestId)
        : method === 'PUT'
          ? (requestId: string) => this.put(key, req, res, requestId)
          : (requestId: string) => this.delete(key, req, res, requestId);
    return { route: ROUTE, credential: Credential.ApiToken, serve };
  }

  private async get(key: string, res: ServerResponse, requestId: string): Promise<void> {
    const found = await this.kv.get(key, requestId);
    this.lane.reply(res, 200, found, { etag: etagOf(found.revision) });
  }

  private async put(key: string, req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const body = await this.lane.readJson(req);
    if (!isPutBody(body)) return this.lane.toExpress(req, res, body);
    const conditions = parseConditions(header(req, 'if-match'), header(req, 'if-none-match'));
    const outcome = await this.kv.put(key, body.value, conditions, requestId);
    this.lane.reply(
      res,
      outcome.created ? 201 : 200,
      { key: outcome.key, revision: outcome.revision },
      { etag: etagOf(outcome.revision) },
    );
  }

  private async delete(key: string, req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    await this.kv.delete(key, parseConditions(header(req, 'if-match'), undefined), requestId);
    this.lane.reply(res, 204);
  }
}

/**
 * The key of a plain `/kv/{key}` path (query ignored, as express does), or undefined for anything
 * the router might read differently: no key, empty segments, a trailing slash, bad %-encoding.
 */
export function plainKeyOf(url: string): string | undefined {
  if (!url.startsWith('/kv/')) return undefined;
  const query = url.indexOf('?');
  const raw = url.slice(4, query === -1 ? undefined : query);
  if (raw === '' || raw.endsWith('/') || raw.includes('//')) return undefined;
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/** Exactly what PutValueDto accepts (a string `value` and nothing else); the rest is KvController's to refuse. */
function isPutBody(body: unknown): body is { value: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const keys = Object.keys(body);
  return keys.length === 1 && keys[0] === 'value' && typeof (body as { value: unknown }).value === 'string';
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
