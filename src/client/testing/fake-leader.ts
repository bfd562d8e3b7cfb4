import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClusterInfo, ListItem } from '../types.js';

/**
 * A stand-in for the leader's public API, for the SDK and CLI tests: an in-memory map behind a
 * real HTTP server on a free port, keeping the contract's rules (revisions, If-Match /
 * If-None-Match, cursors, bearer token, error bodies). `failNext` scripts failures to prove retries.
 */

/** An answer the fake gives instead of serving a request: an HTTP error, a dropped connection, or silence. */
export type Fault = { status: number; message?: string; retryAfterSeconds?: number } | 'reset' | 'hang';

export interface RecordedRequest {
  method: string;
  /** The raw request target, as the client encoded it. */
  url: string;
  headers: IncomingMessage['headers'];
}

interface Entry {
  value: string;
  revision: number;
}

const MAX_LIMIT = 1000;

export class FakeLeader {
  readonly requests: RecordedRequest[] = [];
  /** What GET /cluster answers. */
  cluster: ClusterInfo = {
    leader: { id: 'leader-1', url: 'http://127.0.0.1:4000', ready: true, revision: 0 },
    partitionCount: 0,
    replicationFactor: 1,
    nodes: [],
    partitions: [],
    unplaced: [],
  };
  private readonly store = new Map<string, Entry>();
  /** Scripted failures, in order; one with a method applies only to requests of that method. */
  private readonly faults: { fault: Fault; method?: string }[] = [];
  // One counter for the whole store, like the leader's revision clock.
  private revision = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly token: string | undefined,
  ) {}

  static async start(options: { token?: string } = {}): Promise<FakeLeader> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const leader = new FakeLeader(server, `http://127.0.0.1:${port}`, options.token);
    server.on('request', (req, res) => void leader.handle(req, res));
    return leader;
  }

  /** The next requests (one per fault, in order) fail that way instead of being served. */
  failNext(...faults: Fault[]): void {
    this.faults.push(...faults.map((fault) => ({ fault })));
  }

  /** The next requests of this method fail that way; others are served. */
  failNextOf(method: 'GET' | 'PUT' | 'DELETE', ...faults: Fault[]): void {
    this.faults.push(...faults.map((fault) => ({ fault, method })));
  }

  /** Stores a value directly, as if written earlier; returns its revision. */
  seed(key: string, value: string): number {
    this.store.set(key, { value, revision: ++this.revision });
    return this.revision;
  }

  peek(key: string): Entry | undefined {
    return this.store.get(key);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const target = req.url ?? '/';
    this.requests.push({ method, url: target, headers: req.headers });
    const text = await readBody(req);

    const index = this.faults.findIndex((f) => f.method === undefined || f.method === method);
    const fault = index === -1 ? undefined : this.faults.splice(index, 1)[0].fault;
    if (fault === 'reset') return void req.socket.resetAndDestroy();
    if (fault === 'hang') return;
    if (fault) {
      const headers: Record<string, string> =
        fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) };
      return fail(res, fault.status, fault.message ?? `scripted ${fault.status}`, {}, headers);
    }

    if (this.token !== undefined && req.headers.authorization !== `Bearer ${this.token}`) {
      return fail(res, 401, 'missing or invalid API token');
    }
    const [path, search = ''] = target.split('?', 2);
    if (method === 'GET' && path === '/cluster') return send(res, 200, this.cluster);
    const drain = /^\/cluster\/nodes\/([^/]+)\/drain$/.exec(path);
    if (drain && (method === 'POST' || method === 'DELETE')) {
      const id = decodeURIComponent(drain[1]);
      const node = this.cluster.nodes.find((n) => n.id === id && n.role === 'storage');
      if (!node) return fail(res, 404, `node "${id}" is not registered`);
      node.draining = method === 'POST';
      return send(res, 200, { id, draining: node.draining, partitions: node.partitions, drained: node.draining && node.partitions === 0 });
    }
    if (method === 'GET' && path === '/kv') return this.list(res, new URLSearchParams(search));
    if (!path.startsWith('/kv/')) return fail(res, 404, `Cannot ${method} ${path}`);

    let key: string;
    try {
      // Like the leader: the rest of the path, decoded segment by segment.
      key = path.slice('/kv/'.length).split('/').map(decodeURIComponent).join('/');
    } catch {
      return fail(res, 400, 'Failed to decode param');
    }
    const current = this.store.get(key);
    const problem = checkConditions(req, current);
    if (method !== 'GET' && problem) return fail(res, 412, problem, { currentRevision: current?.revision ?? null });

    switch (method) {
      case 'GET':
        return current
          ? send(res, 200, { key, value: current.value, revision: current.revision }, etag(current.revision))
          : fail(res, 404, `key ${JSON.stringify(key)} not found`);
      case 'PUT': {
        const value = parseValue(text);
        if (value === undefined) return fail(res, 400, 'value must be a string');
        const revision = ++this.revision;
        this.store.set(key, { value, revision });
        return send(res, current ? 200 : 201, { key, revision }, etag(revision));
      }
      case 'DELETE':
        if (!current) return fail(res, 404, `key ${JSON.stringify(key)} not found`);
        this.store.delete(key);
        res.writeHead(204).end();
        return;
      default:
        return fail(res, 405, `Cannot ${method} ${path}`);
    }
  }

  private list(res: ServerResponse, query: URLSearchParams): void {
    const prefix = query.get('prefix') ?? '';
    const limit = Number(query.get('limit') ?? '100');
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      return fail(res, 400, 'limit must be an integer from 1 to 1000');
    }
    const cursor = query.get('cursor');
    const after = cursor === null ? undefined : Buffer.from(cursor, 'base64url').toString('utf8');
    const keys = [...this.store.keys()]
      .filter((k) => k.startsWith(prefix) && (after === undefined || byteCompare(k, after) > 0))
      .sort(byteCompare);
    const page = keys.slice(0, limit);
    const items: ListItem[] = page.map((key) => {
      const { value, revision } = this.store.get(key) as Entry;
      return query.get('values') === 'true' ? { key, revision, value } : { key, revision };
    });
    const more = keys.length > page.length;
    send(res, 200, { items, nextCursor: more ? Buffer.from(page[page.length - 1]).toString('base64url') : null });
  }
}

function checkConditions(req: IncomingMessage, current: Entry | undefined): string | undefined {
  const ifMatch = req.headers['if-match'];
  if (ifMatch !== undefined && (!current || ifMatch !== `"${current.revision}"`)) {
    return current ? `revision is ${current.revision}, not ${ifMatch}` : 'the key does not exist';
  }
  if (req.headers['if-none-match'] === '*' && current) return 'the key already exists';
  return undefined;
}

function byteCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function parseValue(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { value?: unknown };
    return typeof body.value === 'string' ? body.value : undefined;
  } catch {
    return undefined;
  }
}

function etag(revision: number): Record<string, string> {
  return { etag: `"${revision}"` };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(body));
}

function fail(
  res: ServerResponse,
  status: number,
  message: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): void {
  send(res, status, { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message, ...extra }, headers);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
