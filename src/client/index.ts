/**
 * distributed-db client SDK (the package's main export). Layout:
 * - client.ts          DistributedDbClient: get, put, delete, compareAndSet, list, listPages, iterate, cluster,
 *                      drain; the retry rule
 * - errors.ts          DistributedDbError and the typed errors callers catch
 * - types.ts           the API's request and answer shapes
 * - http-transport.ts  one HTTP exchange over fetch: URL, headers, timeout, error mapping
 * - retry-policy.ts    what is retried, and the backoff with full jitter
 * - key-path.ts        how a key is put in a URL
 * - cli.ts             the `ddb` command (bin/ddb.js runs the built cli.js); cli-errors.ts maps
 *                      failures to exit codes and messages, cli-format.ts draws `ddb cluster`,
 *                      cli-io.ts holds what a command runs with (streams, Ctrl-C, paced writes)
 * - cli-dump.ts        `ddb dump`: the listing as JSON Lines (dump-line.ts), page by page
 * - cli-load.ts        `ddb load`: loader.ts writes with bounded concurrency and skips what the
 *                      target already holds (merge-join.ts, key-order.ts); load-report.ts says
 *                      what happened; line-reader.ts and progress.ts do the I/O
 * - testing/           a fake of the leader's API and an in-process CLI runner, for tests (not exported)
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
