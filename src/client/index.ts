/**
 * distributed-db client SDK (the package's main export). Layout:
 * - client.ts          DistributedDbClient: get, put, delete, compareAndSet, list, iterate, cluster; the retry rule
 * - errors.ts          DistributedDbError and the typed errors callers catch
 * - types.ts           the API's request and answer shapes
 * - http-transport.ts  one HTTP exchange over fetch: URL, headers, timeout, error mapping
 * - retry-policy.ts    what is retried, and the backoff with full jitter
 * - key-path.ts        how a key is put in a URL
 * - cli.ts             the `ddb` command (bin/ddb.js runs the built cli.js); cli-errors.ts maps
 *                      failures to exit codes and messages, cli-format.ts draws `ddb cluster`
 * - testing/           an in-memory fake of the leader's API for the tests (not exported)
 */
export { DistributedDbClient, type DistributedDbClientOptions } from './client.js';
export {
  BadRequestError,
  ConnectionError,
  DistributedDbError,
  NotFoundError,
  PreconditionFailedError,
  UnauthorizedError,
  UnavailableError,
} from './errors.js';
export type {
  ClusterInfo,
  ClusterNode,
  DrainStatus,
  DeleteOptions,
  ErrorBody,
  IterateOptions,
  KvEntry,
  ListItem,
  ListOptions,
  ListPage,
  NodeStatus,
  PartitionInfo,
  PartitionState,
  PutOptions,
  PutResult,
} from './types.js';
