import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Request ids across nodes: a request keeps the X-Request-Id it came with (or gets a new one),
 * answers with it, and every call the node makes to another node while serving it carries it on,
 * so one id finds the request in the leader's log and in each storage node's.
 */
export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * A client's id is written to logs as is, so it must be bounded and printable. Commas let the
 * leader pass the ids of every client request in one batched storage call (storage-client.ts).
 */
const ACCEPTABLE_ID = /^[\w.:@=+/,-]{1,1024}$/;
const current = new AsyncLocalStorage<string>();

type WithId = IncomingMessage & { id?: unknown };

/** The request's id: the one already given to it, else its valid X-Request-Id, else a new one. */
export function requestIdOf(req: IncomingMessage): string {
  const given = (req as WithId).id;
  if (typeof given === 'string') return given;
  const header = req.headers[REQUEST_ID_HEADER];
  const id = typeof header === 'string' && ACCEPTABLE_ID.test(header) ? header : randomUUID();
  (req as WithId).id = id;
  return id;
}

/** The id of the request being served by the code that calls this, if any. */
export function currentRequestId(): string | undefined {
  return current.getStore();
}

/** Middleware: echoes the id to the client and makes it current for everything the request does. */
export function requestContext(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  const id = requestIdOf(req);
  res.setHeader(REQUEST_ID_HEADER, id);
  current.run(id, next);
}
