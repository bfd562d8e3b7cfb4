import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Request ids across nodes: a request keeps the X-Request-Id it came with (or gets a new one),
 * answers with it, and every call the node makes to another node while serving it carries it on,
 * so one id finds the request in the leader's log and in each storage node's. The id is passed
 * along explicitly (a `requestId` argument down to the storage client), not through an
 * AsyncLocalStorage: on Node 20 that turns on promise hooks for every promise in the process,
 * which measured several per cent of the leader's CPU on the data path.
 */
export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * A client's id is written to logs as is, so it must be bounded and printable. Commas let the
 * leader pass the ids of every client request in one batched storage call (storage-client.ts).
 */
const ACCEPTABLE_ID = /^[\w.:@=+/,-]{1,1024}$/;

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

/** Middleware: gives the request its id and echoes it to the client. */
export function echoRequestId(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  res.setHeader(REQUEST_ID_HEADER, requestIdOf(req));
  next();
}

/** Handler parameter: the id of the request being served. */
export const RequestId = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  requestIdOf(context.switchToHttp().getRequest<IncomingMessage>()),
);
