import { CommanderError } from 'commander';
import {
  BadRequestError,
  ConnectionError,
  DistributedDbError,
  NotFoundError,
  PreconditionFailedError,
  UnauthorizedError,
  UnavailableError,
} from './errors.js';
import { DumpLineError } from './dump-line.js';
import { Interrupted } from './cli-io.js';

/** The `ddb` exit codes, one per thing a script may want to react to. */
export const ExitCode = {
  Ok: 0,
  NotFound: 1,
  Usage: 2,
  Unavailable: 3,
  PreconditionFailed: 4,
  Unauthorized: 5,
  Failed: 6,
  /** 128 + SIGINT, as a shell reports a command ended by Ctrl-C. */
  Interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export const EXIT_CODES_HELP = `
Exit codes:
  0    ok
  1    not found (get, del of a missing key; drain of an unknown node)
  2    usage error: bad arguments or options, an invalid key or value, a bad line in a load file
  3    unavailable: the leader or the key's partition cannot answer (503), or no connection / timeout
  4    precondition failed (--if-match / --if-absent did not hold)
  5    unauthorized (missing or wrong --token / DDB_TOKEN)
  6    any other failure (an unexpected answer from the server, an unwritable output)
  130  interrupted (Ctrl-C) during dump or load
A load whose keys failed exits with the code of the first failure.`;

/** An invalid command line noticed after commander parsed it (an unusable --leader URL, say). */
export class UsageError extends Error {}

export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
  if (error instanceof UsageError || error instanceof BadRequestError || error instanceof DumpLineError) {
    return ExitCode.Usage;
  }
  if (error instanceof Interrupted) return ExitCode.Interrupted;
  if (error instanceof NotFoundError) return ExitCode.NotFound;
  if (error instanceof PreconditionFailedError) return ExitCode.PreconditionFailed;
  if (error instanceof UnauthorizedError) return ExitCode.Unauthorized;
  if (error instanceof UnavailableError || error instanceof ConnectionError) return ExitCode.Unavailable;
  return ExitCode.Failed;
}

/** The one line a person reads on stderr. */
export function describeError(error: unknown): string {
  const message = oneLine(error instanceof Error ? error.message : String(error));
  if (error instanceof PreconditionFailedError) {
    const found =
      error.currentRevision === null ? 'the key does not exist' : `current revision is ${error.currentRevision}`;
    return `precondition failed: ${message} (${found})`;
  }
  if (error instanceof NotFoundError) return message;
  if (error instanceof UnauthorizedError) return `unauthorized: ${message} (pass --token or set DDB_TOKEN)`;
  if (error instanceof UnavailableError) return `unavailable: ${message}`;
  if (error instanceof ConnectionError) return message;
  if (error instanceof BadRequestError) return `invalid request: ${message}`;
  if (error instanceof UsageError || error instanceof DumpLineError || error instanceof Interrupted) return message;
  if (error instanceof DistributedDbError) return `server error ${error.status}: ${message}`;
  return `unexpected error: ${message}`;
}

/** The same failure for a program reading stderr (--json). */
export function errorDocument(error: unknown): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    name: error instanceof Error ? error.name : 'Error',
    message: describeError(error),
    exitCode: exitCodeFor(error),
  };
  if (error instanceof DistributedDbError) doc.status = error.status;
  if (error instanceof PreconditionFailedError) doc.currentRevision = error.currentRevision;
  if (error instanceof ConnectionError) doc.code = error.code;
  if (error instanceof DumpLineError || error instanceof Interrupted) doc.line = error.line;
  return { error: doc };
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
